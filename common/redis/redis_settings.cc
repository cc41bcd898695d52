#include "common/redis/redis_settings.h"

#include "absl/strings/str_cat.h"
#include "common/redis/redis_address.h"

namespace osteoflow {
namespace {

// A Redis call blocks a handler for at most this long; longer would stall the
// service rather than fail it over.
constexpr absl::Duration kLongestTimeout = absl::Seconds(10);
constexpr int kMostConnections = 256;
// More replicas than a deployment runs would fail every write.
constexpr int kMostReplicas = 16;

absl::Status Invalid(absl::string_view role, absl::string_view setting, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(role, "_", setting, ": ", why));
}

absl::Status CheckTimeout(absl::string_view role, absl::string_view setting, absl::Duration value) {
  if (value >= absl::Milliseconds(1) && value <= kLongestTimeout) return absl::OkStatus();
  return Invalid(role, setting, "must be between 1ms and 10s");
}

}  // namespace

absl::StatusOr<RedisPoolOptions> RedisPoolOptionsFor(absl::string_view role,
                                                     const RedisRoleSettings& settings) {
  RedisPoolOptions options;
  options.role = std::string(role);
  absl::StatusOr<RedisAddress> address = ParseRedisAddress(settings.address);
  if (!address.ok()) return Invalid(role, "address", address.status().message());
  options.topology = address->kind;
  if (address->kind == RedisAddress::Kind::kSingle) {
    options.host = address->nodes.front().host;
    options.port = address->nodes.front().port;
  } else {
    options.seeds = address->nodes;
    options.primary_name = address->primary_name;
  }
  if (absl::Status s = CheckTimeout(role, "connect_timeout", settings.connect_timeout); !s.ok()) return s;
  if (absl::Status s = CheckTimeout(role, "command_timeout", settings.command_timeout); !s.ok()) return s;
  if (settings.pool_size < 1 || settings.pool_size > kMostConnections) {
    return Invalid(role, "pool_size", "must be between 1 and 256");
  }
  options.connect_timeout = settings.connect_timeout;
  options.command_timeout = settings.command_timeout;
  options.max_connections = settings.pool_size;
  return options;
}

absl::StatusOr<RedisPoolOptions> WithAcknowledgement(absl::string_view role, RedisPoolOptions options,
                                                     int replicas, absl::Duration timeout) {
  if (replicas < 0 || replicas > kMostReplicas) {
    return Invalid(role, "wait_replicas", absl::StrCat("must be between 0 (off) and ", kMostReplicas));
  }
  if (timeout < absl::Milliseconds(1) || timeout >= options.command_timeout) {
    return Invalid(role, "wait_timeout",
                   absl::StrCat("must be at least 1ms and less than ", role, "_command_timeout (",
                                absl::FormatDuration(options.command_timeout), "), within which it waits"));
  }
  options.acknowledgement.replicas = replicas;
  options.acknowledgement.timeout = timeout;
  return options;
}

}  // namespace osteoflow

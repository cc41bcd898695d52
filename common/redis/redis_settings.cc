#include "common/redis/redis_settings.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace osteoflow {
namespace {

// A Redis call blocks a handler for at most this long; longer would stall the
// service rather than fail it over.
constexpr absl::Duration kLongestTimeout = absl::Seconds(10);
constexpr int kMostConnections = 256;

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
  const size_t colon = settings.address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(settings.address).substr(colon + 1), &port) || port < 1 ||
      port > 65535) {
    return Invalid(role, "address", "want host:port, for example 127.0.0.1:6379");
  }
  options.host = settings.address.substr(0, colon);
  options.port = port;
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

}  // namespace osteoflow

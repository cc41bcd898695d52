#include "common/redis/redis_address.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace osteoflow {
namespace {

constexpr absl::string_view kSentinelScheme = "redis-sentinel://";
constexpr absl::string_view kClusterScheme = "redis-cluster://";
constexpr absl::string_view kForms =
    "want host:port, redis-sentinel://host:port[,host:port...]/PRIMARY_NAME or "
    "redis-cluster://host:port[,host:port...]";
// More seeds than this is a mistake, not a topology.
constexpr size_t kMostNodes = 32;

// Sentinel accepts more, but a name with spaces or slashes cannot be written
// in the address, and one with other punctuation is most likely a typo.
bool IsPrimaryName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

absl::StatusOr<std::vector<RedisEndpoint>> ParseNodes(absl::string_view scheme, absl::string_view list) {
  if (list.empty()) return absl::InvalidArgumentError(absl::StrCat(scheme, " needs at least one host:port"));
  std::vector<RedisEndpoint> nodes;
  for (const absl::string_view part : absl::StrSplit(list, ',')) {
    absl::StatusOr<RedisEndpoint> node = ParseRedisEndpoint(part);
    if (!node.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("\"", part, "\" in ", scheme, " is not host:port"));
    }
    for (const RedisEndpoint& seen : nodes) {
      if (seen == *node) return absl::InvalidArgumentError(absl::StrCat(part, " is listed twice"));
    }
    nodes.push_back(*std::move(node));
  }
  if (nodes.size() > kMostNodes) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMostNodes, " nodes"));
  }
  return nodes;
}

}  // namespace

std::string RedisEndpoint::ToString() const { return absl::StrCat(host, ":", port); }

absl::StatusOr<RedisEndpoint> ParseRedisEndpoint(absl::string_view text) {
  const size_t colon = text.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || colon == 0 || !absl::SimpleAtoi(text.substr(colon + 1), &port) ||
      port < 1 || port > 65535 || absl::StrContains(text.substr(0, colon), '/') ||
      absl::StrContains(text.substr(0, colon), ',')) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not host:port"));
  }
  return RedisEndpoint{std::string(text.substr(0, colon)), port};
}

absl::StatusOr<RedisAddress> ParseRedisAddress(absl::string_view text) {
  RedisAddress address;
  if (absl::StartsWith(text, kSentinelScheme)) {
    address.kind = RedisAddress::Kind::kSentinel;
    const absl::string_view rest = text.substr(kSentinelScheme.size());
    const size_t slash = rest.find('/');
    if (slash == absl::string_view::npos || slash + 1 == rest.size()) {
      return absl::InvalidArgumentError(
          "redis-sentinel:// needs the primary's name after the sentinels, as in "
          "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/store");
    }
    const absl::string_view name = rest.substr(slash + 1);
    if (!IsPrimaryName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("primary name \"", name, "\" must be 1 to 64 letters, digits, '-', '_' or '.'"));
    }
    absl::StatusOr<std::vector<RedisEndpoint>> nodes = ParseNodes("redis-sentinel://", rest.substr(0, slash));
    if (!nodes.ok()) return nodes.status();
    address.nodes = *std::move(nodes);
    address.primary_name = std::string(name);
    return address;
  }
  if (absl::StartsWith(text, kClusterScheme)) {
    address.kind = RedisAddress::Kind::kCluster;
    const absl::string_view rest = text.substr(kClusterScheme.size());
    if (absl::StrContains(rest, '/')) {
      return absl::InvalidArgumentError("redis-cluster:// takes seed nodes only, no '/'");
    }
    absl::StatusOr<std::vector<RedisEndpoint>> nodes = ParseNodes("redis-cluster://", rest);
    if (!nodes.ok()) return nodes.status();
    address.nodes = *std::move(nodes);
    return address;
  }
  if (const size_t scheme = text.find("://"); scheme != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown scheme \"", text.substr(0, scheme + 3), "\"; ", kForms));
  }
  absl::StatusOr<RedisEndpoint> node = ParseRedisEndpoint(text);
  if (!node.ok()) return absl::InvalidArgumentError(absl::StrCat(kForms, ", for example 127.0.0.1:6379"));
  address.nodes.push_back(*std::move(node));
  return address;
}

}  // namespace osteoflow

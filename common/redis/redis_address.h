#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow {

// One Redis process: a server, a sentinel or a cluster node.
struct RedisEndpoint {
  std::string host;
  int port = 0;

  std::string ToString() const;
  friend bool operator==(const RedisEndpoint&, const RedisEndpoint&) = default;
};

// "host:port" with a port in 1..65535, as a role's address and Redis's own
// replies (MOVED, CLUSTER SLOTS, SENTINEL) give it.
absl::StatusOr<RedisEndpoint> ParseRedisEndpoint(absl::string_view text);

// Where a role's Redis is, as its address setting says:
//   host:port                                          one Redis
//   redis-sentinel://host:port[,host:port...]/NAME    the primary the
//                                                      sentinels call NAME
//   redis-cluster://host:port[,host:port...]          a Redis Cluster, found
//                                                      from these seed nodes
struct RedisAddress {
  enum class Kind { kSingle, kSentinel, kCluster };
  Kind kind = Kind::kSingle;
  // The server (kSingle), the sentinels, or the cluster's seed nodes.
  std::vector<RedisEndpoint> nodes;
  std::string primary_name;  // kSentinel only
};

// Errors say what is wrong with the text, for the caller to prefix with the
// setting's name.
absl::StatusOr<RedisAddress> ParseRedisAddress(absl::string_view text);

}  // namespace osteoflow

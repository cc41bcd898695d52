#include "common/redis/redis_topology.h"

#include "common/redis/redis_cluster_topology.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_sentinel_topology.h"

namespace osteoflow {
namespace {

// host:port: one Redis, every command to it.
class SingleTopology final : public RedisTopology {
 public:
  explicit SingleTopology(RedisEndpoint node) : node_(std::move(node)) {}
  absl::StatusOr<RedisEndpoint> NodeFor(std::optional<int>) override { return node_; }
  bool FollowsRedirects() const override { return false; }
  std::string Describe() const override { return node_.ToString(); }

 private:
  const RedisEndpoint node_;
};

}  // namespace

std::unique_ptr<RedisTopology> MakeRedisTopology(const RedisPoolOptions& options) {
  switch (options.topology) {
    case RedisAddress::Kind::kSentinel:
      return std::make_unique<SentinelTopology>(options);
    case RedisAddress::Kind::kCluster:
      return std::make_unique<ClusterTopology>(options);
    case RedisAddress::Kind::kSingle:
      break;
  }
  return std::make_unique<SingleTopology>(RedisEndpoint{options.host, options.port});
}

}  // namespace osteoflow

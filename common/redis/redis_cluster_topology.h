#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_topology.h"

namespace osteoflow {

// A Redis Cluster (redis-cluster://seeds): which primary serves each of the
// 16384 slots, from CLUSTER SLOTS asked of a known primary or a seed. The map
// is read on first use; MOVED corrects one slot at once and asks for a new
// map, and so does a failed connection (a failover moves every slot of the
// dead primary). A new map is read by one caller at a time, at most every
// kLeastRefreshGap, while the others go on with the map they have.
class ClusterTopology final : public RedisTopology {
 public:
  explicit ClusterTopology(const RedisPoolOptions& options);

  absl::StatusOr<RedisEndpoint> NodeFor(std::optional<int> slot) override;
  void NodeFailed(const RedisEndpoint& node) override;
  void SlotMoved(int slot, const RedisEndpoint& node) override;
  bool Serves(const RedisEndpoint& node) const override;
  bool FollowsRedirects() const override { return true; }
  std::string Describe() const override;

 private:
  struct SlotMap {
    std::vector<RedisEndpoint> primaries;
    // Index into primaries per slot; -1 when no primary serves it.
    std::vector<int16_t> owner;
  };

  // Reads CLUSTER SLOTS from the first node that answers.
  absl::StatusOr<SlotMap> ReadMap(const std::vector<RedisEndpoint>& candidates) const;
  // Reads and installs a new map, unless one was read a moment ago.
  void Refresh() ABSL_EXCLUSIVE_LOCKS_REQUIRED(refresh_mu_) ABSL_LOCKS_EXCLUDED(mu_);
  // The nodes to ask, best first: the primaries known, then the seeds, the
  // node that failed last of all.
  std::vector<RedisEndpoint> Candidates() const ABSL_LOCKS_EXCLUDED(mu_);

  const std::vector<RedisEndpoint> seeds_;
  const absl::Duration connect_timeout_;
  const absl::Duration command_timeout_;

  absl::Mutex refresh_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  SlotMap map_ ABSL_GUARDED_BY(mu_);
  bool refresh_wanted_ ABSL_GUARDED_BY(mu_) = true;
  absl::Time refreshed_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::optional<RedisEndpoint> failed_ ABSL_GUARDED_BY(mu_);
  std::string last_failure_ ABSL_GUARDED_BY(mu_) = "slot map not read yet";
};

}  // namespace osteoflow

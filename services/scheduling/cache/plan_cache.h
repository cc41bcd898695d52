#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "services/scheduling/cache/recent_plans.h"
#include "services/scheduling/domain/computed_plan_cache.h"

namespace osteoflow::scheduling {

struct PlanCacheOptions {
  // How long a computed plan stays cached.
  absl::Duration ttl = absl::Hours(24);
  // Each key's TTL is spread by up to this fraction either way, so that plans
  // computed together do not all expire together.
  double ttl_jitter = 0.1;
  // Recently used plans also kept in this process (see RecentPlans), up to
  // this many bytes; 0 keeps none and every hit is a Redis GET.
  size_t memory_bytes = 64 << 20;
};

// Hit and miss counts since start.
struct PlanCacheCounts {
  // Plans found in Redis or in memory; memory_hits counts the latter alone.
  int64_t hits = 0;
  int64_t memory_hits = 0;
  int64_t misses = 0;
  // Cache calls that failed (Redis down or refusing): each is a miss.
  int64_t failures = 0;
  // Plans computed: misses that waited for another caller's computation of
  // the same key are not counted again.
  int64_t computed = 0;
};

// Cache-aside for computed plans in the Redis cache role. Losing the cache
// costs only recomputation, so it fails open: when Redis is down a lookup is
// a miss and the write that would follow is skipped, the outage is logged
// once (and the recovery once), and the cache is used again as soon as a
// lookup succeeds, with no restart. Concurrent misses for one key in this process compute once;
// the others wait for that result.
class PlanCache final : public ComputedPlanCache {
 public:
  PlanCache(std::shared_ptr<RedisPool> pool, PlanCacheOptions options);

  // The cached bytes for `key`, or `compute()`'s, which are then cached. A
  // failed computation is returned as it is and not cached.
  absl::StatusOr<std::string> GetOrCompute(
      const std::string& key, const std::function<absl::StatusOr<std::string>()>& compute) override;

  absl::StatusOr<std::optional<std::string>> Find(const std::string& key) override;
  std::optional<std::string> Recent(const std::string& key) override;

  PlanCacheCounts counts() const;

 private:
  struct Flight;

  // `failed` (when given) is set when Redis failed rather than not holding it.
  std::optional<std::string> Lookup(const std::string& key, bool* failed = nullptr);
  void Store(const std::string& key, const std::string& bytes);
  // Hands a flight's result to its waiters, caches it, and ends the flight.
  void Land(const std::string& key, Flight& flight, const absl::StatusOr<std::string>& result,
            bool store);
  bool CacheDown();
  // Logs the first failure after a success and the first success after a
  // failure: an outage is one line, not one per call. `ticket` orders calls
  // by when they were sent: the outcome of a call sent before the last change
  // of state is stale (a GET answered just before Redis died may be noted
  // after another call's failure) and changes nothing.
  void NoteOutcome(const absl::Status& status, uint64_t ticket);
  uint64_t NextTicket() { return next_ticket_.fetch_add(1, std::memory_order_relaxed); }
  absl::Duration JitteredTtl();

  const std::shared_ptr<RedisPool> pool_;
  const PlanCacheOptions options_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights_ ABSL_GUARDED_BY(mu_);
  absl::BitGen random_ ABSL_GUARDED_BY(mu_);
  bool cache_down_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t changed_at_ticket_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<uint64_t> next_ticket_{1};

  RecentPlans recent_;
  std::atomic<int64_t> hits_{0};
  std::atomic<int64_t> memory_hits_{0};
  std::atomic<int64_t> misses_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> computed_{0};
};

}  // namespace osteoflow::scheduling

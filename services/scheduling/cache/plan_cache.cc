#include "services/scheduling/cache/plan_cache.h"

#include "services/scheduling/cache/plan_cache_metrics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"

namespace osteoflow::scheduling {

// One computation in progress for a key, and its result once done.
struct PlanCache::Flight {
  absl::Mutex mu;
  bool done ABSL_GUARDED_BY(mu) = false;
  absl::StatusOr<std::string> result ABSL_GUARDED_BY(mu);
};

PlanCache::PlanCache(std::shared_ptr<RedisPool> pool, PlanCacheOptions options)
    : pool_(std::move(pool)),
      options_(options),
      // No longer than the shortest TTL a key can get in Redis.
      recent_(options.memory_bytes, options.ttl * (1.0 - std::clamp(options.ttl_jitter, 0.0, 0.9))) {}

PlanCacheCounts PlanCache::counts() const {
  return {hits_.load(std::memory_order_relaxed), memory_hits_.load(std::memory_order_relaxed),
          misses_.load(std::memory_order_relaxed),
          failures_.load(std::memory_order_relaxed), computed_.load(std::memory_order_relaxed)};
}

void PlanCache::NoteOutcome(const absl::Status& status, uint64_t ticket) {
  absl::MutexLock lock(&mu_);
  if (ticket < changed_at_ticket_) return;
  if (status.ok() == !cache_down_) return;
  cache_down_ = !status.ok();
  changed_at_ticket_ = ticket;
  if (cache_down_) {
    // The error names the role and address, never a key: keys are digests of
    // a person's inputs.
    LogLine("cache_down").Add("error", std::string(status.message())).Write();
  } else {
    LogLine("cache_up").Write();
  }
}

absl::Duration PlanCache::JitteredTtl() {
  const double jitter = std::clamp(options_.ttl_jitter, 0.0, 0.9);
  double factor = 1.0;
  {
    absl::MutexLock lock(&mu_);
    factor = absl::Uniform(random_, 1.0 - jitter, 1.0 + jitter);
  }
  return std::max(options_.ttl * factor, absl::Milliseconds(1));
}

std::optional<std::string> PlanCache::Lookup(const std::string& key, bool* failed) {
  absl::StatusOr<std::optional<std::string>> found = Find(key);
  if (failed != nullptr) *failed = !found.ok();
  if (!found.ok()) return std::nullopt;  // fail open: a miss
  return *std::move(found);
}

absl::StatusOr<std::optional<std::string>> PlanCache::Find(const std::string& key) {
  if (std::optional<std::string> recent = recent_.Get(key); recent.has_value()) return recent;
  const uint64_t ticket = NextTicket();
  absl::StatusOr<RedisReply> reply = pool_->Execute({"GET", key});
  NoteOutcome(reply.status(), ticket);
  if (!reply.ok()) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    return reply.status();
  }
  if (reply->type != RedisReply::Type::kString) return std::nullopt;
  recent_.Put(key, reply->text);
  return std::optional<std::string>(std::move(reply->text));
}

void PlanCache::Store(const std::string& key, const std::string& bytes) {
  const int64_t ttl_ms = absl::ToInt64Milliseconds(JitteredTtl());
  const uint64_t ticket = NextTicket();
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"SET", key, bytes, "PX", absl::StrCat(ttl_ms)});
  NoteOutcome(reply.status(), ticket);
  if (!reply.ok()) failures_.fetch_add(1, std::memory_order_relaxed);
}

std::optional<std::string> PlanCache::Recent(const std::string& key) {
  std::optional<std::string> recent = recent_.Get(key);
  if (recent.has_value()) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    memory_hits_.fetch_add(1, std::memory_order_relaxed);
    PlanCacheMetrics::Instance().MemoryHit();
  }
  return recent;
}

absl::StatusOr<std::string> PlanCache::GetOrCompute(
    const std::string& key, const std::function<absl::StatusOr<std::string>()>& compute) {
  if (std::optional<std::string> recent = Recent(key); recent.has_value()) return *std::move(recent);
  bool failed = false;
  if (std::optional<std::string> cached = Lookup(key, &failed); cached.has_value()) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    PlanCacheMetrics::Instance().Hit();
    return *std::move(cached);
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  if (failed) {
    PlanCacheMetrics::Instance().Failure();
  } else {
    PlanCacheMetrics::Instance().Miss();
  }

  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = flights_.try_emplace(key, nullptr);
    if (inserted) it->second = std::make_shared<Flight>();
    flight = it->second;
    leader = inserted;
  }
  if (!leader) {
    absl::MutexLock lock(&flight->mu);
    flight->mu.Await(absl::Condition(&flight->done));
    return flight->result;
  }

  // A miss that reached the flights just after another computation of this
  // key finished (and was cached) must not compute again: look once more
  // (not while the cache is down: that would only wait out a second timeout).
  if (!CacheDown()) {
    if (std::optional<std::string> cached = Lookup(key); cached.has_value()) {
      Land(key, *flight, *cached, /*store=*/false);
      return *std::move(cached);
    }
  }
  computed_.fetch_add(1, std::memory_order_relaxed);
  const absl::Time started = absl::Now();
  absl::StatusOr<std::string> result = compute();
  PlanCacheMetrics::Instance().Computed(absl::Now() - started);
  Land(key, *flight, result, /*store=*/true);
  return result;
}

bool PlanCache::CacheDown() {
  absl::MutexLock lock(&mu_);
  return cache_down_;
}

void PlanCache::Land(const std::string& key, Flight& flight, const absl::StatusOr<std::string>& result,
                     bool store) {
  if (result.ok()) recent_.Put(key, *result);
  // Waiters get the result before the cache write: they need not wait on Redis.
  {
    absl::MutexLock lock(&flight.mu);
    flight.result = result;
    flight.done = true;
  }
  // While the cache is down a write would only wait out its timeout; lookups
  // keep trying, and the first that succeeds brings writes back. The flight
  // stays until the write is done, so a caller who missed meanwhile joins it
  // instead of computing again.
  if (store && result.ok() && !CacheDown()) Store(key, *result);
  absl::MutexLock lock(&mu_);
  flights_.erase(key);
}

}  // namespace osteoflow::scheduling

#include "services/scheduling/cache/plan_cache.h"

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
    : pool_(std::move(pool)), options_(options) {}

PlanCacheCounts PlanCache::counts() const {
  return {hits_.load(std::memory_order_relaxed), misses_.load(std::memory_order_relaxed),
          failures_.load(std::memory_order_relaxed), computed_.load(std::memory_order_relaxed)};
}

void PlanCache::NoteOutcome(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  if (status.ok() == !cache_down_) return;
  cache_down_ = !status.ok();
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

std::optional<std::string> PlanCache::Lookup(const std::string& key) {
  absl::StatusOr<std::optional<std::string>> found = Find(key);
  if (!found.ok()) return std::nullopt;  // fail open: a miss
  return *std::move(found);
}

absl::StatusOr<std::optional<std::string>> PlanCache::Find(const std::string& key) {
  absl::StatusOr<RedisReply> reply = pool_->Execute({"GET", key});
  NoteOutcome(reply.status());
  if (!reply.ok()) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    return reply.status();
  }
  if (reply->type != RedisReply::Type::kString) return std::nullopt;
  return std::optional<std::string>(std::move(reply->text));
}

void PlanCache::Store(const std::string& key, const std::string& bytes) {
  const int64_t ttl_ms = absl::ToInt64Milliseconds(JitteredTtl());
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"SET", key, bytes, "PX", absl::StrCat(ttl_ms)});
  NoteOutcome(reply.status());
  if (!reply.ok()) failures_.fetch_add(1, std::memory_order_relaxed);
}

absl::StatusOr<std::string> PlanCache::GetOrCompute(
    const std::string& key, const std::function<absl::StatusOr<std::string>()>& compute) {
  if (std::optional<std::string> cached = Lookup(key); cached.has_value()) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return *std::move(cached);
  }
  misses_.fetch_add(1, std::memory_order_relaxed);

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

  computed_.fetch_add(1, std::memory_order_relaxed);
  absl::StatusOr<std::string> result = compute();
  // Waiters get the result before the cache write: they need not wait on Redis.
  {
    absl::MutexLock lock(&flight->mu);
    flight->result = result;
    flight->done = true;
  }
  bool cache_down = false;
  {
    absl::MutexLock lock(&mu_);
    flights_.erase(key);
    cache_down = cache_down_;
  }
  // While the cache is down a write would only wait out its timeout; lookups
  // keep trying, and the first that succeeds brings writes back.
  if (result.ok() && !cache_down) Store(key, *result);
  return result;
}

}  // namespace osteoflow::scheduling

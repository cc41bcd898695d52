#include "services/scheduling/cache/cache_report.h"

#include "common/log/json_log.h"

namespace osteoflow::scheduling {
namespace {

bool Same(const PlanCacheCounts& a, const PlanCacheCounts& b) {
  return a.hits == b.hits && a.memory_hits == b.memory_hits && a.misses == b.misses && a.failures == b.failures &&
         a.computed == b.computed;
}

void Write(const PlanCacheCounts& counts) {
  LogLine("plan_cache")
      .Add("hits", counts.hits)
      .Add("memory_hits", counts.memory_hits)
      .Add("misses", counts.misses)
      .Add("failures", counts.failures)
      .Add("computed", counts.computed)
      .Write();
}

}  // namespace

PlanCacheReport::PlanCacheReport(const PlanCache& cache, absl::Duration interval)
    : cache_(cache), interval_(interval), thread_([this] { Run(); }) {}

PlanCacheReport::~PlanCacheReport() {
  stop_.Notify();
  thread_.join();
}

void PlanCacheReport::Run() {
  PlanCacheCounts reported;
  bool stopping = false;
  while (!stopping) {
    stopping = stop_.WaitForNotificationWithTimeout(interval_);
    const PlanCacheCounts now = cache_.counts();
    if (Same(now, reported)) continue;
    Write(now);
    reported = now;
  }
}

}  // namespace osteoflow::scheduling

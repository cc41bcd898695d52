#pragma once

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/scheduling/cache/plan_cache.h"

namespace osteoflow::scheduling {

// Makes the plan cache's hit and miss counts visible: one "plan_cache" log
// line per interval in which they changed, and a last one at shutdown.
class PlanCacheReport {
 public:
  PlanCacheReport(const PlanCache& cache, absl::Duration interval);
  ~PlanCacheReport();

  PlanCacheReport(const PlanCacheReport&) = delete;
  PlanCacheReport& operator=(const PlanCacheReport&) = delete;

 private:
  void Run();

  const PlanCache& cache_;
  const absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace osteoflow::scheduling

#include "services/scheduling/cache/plan_cache_metrics.h"

#include <prometheus/family.h>

#include "common/metrics/metrics_registry.h"

namespace osteoflow::scheduling {
namespace {

prometheus::Family<prometheus::Counter>& Lookups() {
  static auto* const family = &prometheus::BuildCounter()
                                   .Name("osteoflow_plan_cache_lookups_total")
                                   .Help("Plan lookups by result: memory_hit, hit (Redis), miss, failure "
                                         "(Redis failed; the plan was computed without it).")
                                   .Register(*MetricsRegistry());
  return *family;
}

}  // namespace

PlanCacheMetrics& PlanCacheMetrics::Instance() {
  static PlanCacheMetrics* const metrics = new PlanCacheMetrics();
  return *metrics;
}

PlanCacheMetrics::PlanCacheMetrics()
    : memory_hit_(Lookups().Add({{"result", "memory_hit"}})),
      hit_(Lookups().Add({{"result", "hit"}})),
      miss_(Lookups().Add({{"result", "miss"}})),
      failure_(Lookups().Add({{"result", "failure"}})),
      computed_(prometheus::BuildCounter()
                    .Name("osteoflow_plans_computed_total")
                    .Help("Weekly plans computed (misses that waited for another caller's computation of the same "
                          "plan are not counted again).")
                    .Register(*MetricsRegistry())
                    .Add({})),
      build_seconds_(prometheus::BuildHistogram()
                         .Name("osteoflow_plan_build_seconds")
                         .Help("Seconds to compute one weekly plan.")
                         .Register(*MetricsRegistry())
                         .Add({}, std::vector<double>{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05, 0.1, 0.25, 0.5, 1})) {}

}  // namespace osteoflow::scheduling

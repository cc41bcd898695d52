#pragma once

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "absl/time/time.h"

namespace osteoflow::scheduling {

// The plan cache in the process registry: how each lookup ended (in this
// process's memory, in Redis, not found, or Redis failed and the plan was
// computed without it), how many plans were computed and how long each took.
class PlanCacheMetrics {
 public:
  static PlanCacheMetrics& Instance();

  void MemoryHit() { memory_hit_.Increment(); }
  void Hit() { hit_.Increment(); }
  void Miss() { miss_.Increment(); }
  void Failure() { failure_.Increment(); }
  void Computed(absl::Duration took) {
    computed_.Increment();
    build_seconds_.Observe(absl::ToDoubleSeconds(took));
  }

 private:
  PlanCacheMetrics();
  prometheus::Counter& memory_hit_;
  prometheus::Counter& hit_;
  prometheus::Counter& miss_;
  prometheus::Counter& failure_;
  prometheus::Counter& computed_;
  prometheus::Histogram& build_seconds_;
};

}  // namespace osteoflow::scheduling

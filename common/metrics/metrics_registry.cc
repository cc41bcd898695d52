#include "common/metrics/metrics_registry.h"

#include <vector>

namespace osteoflow {

std::shared_ptr<prometheus::Registry> MetricsRegistry() {
  // Never destroyed: metrics may be touched by threads still running while
  // the process exits.
  static auto* const registry = new std::shared_ptr<prometheus::Registry>(std::make_shared<prometheus::Registry>());
  return *registry;
}

const std::vector<double>& LatencyBuckets() {
  static const auto* const buckets =
      new std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

}  // namespace osteoflow

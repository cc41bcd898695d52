#pragma once

#include <memory>

#include <prometheus/registry.h>

namespace osteoflow {

// The process's one registry: every metric of every layer is registered
// here, and the endpoint serves it. Families are made once, at start or on
// first use, and never removed.
std::shared_ptr<prometheus::Registry> MetricsRegistry();

// Histogram bucket bounds in seconds for call and command latencies, from
// half a millisecond to ten seconds.
const std::vector<double>& LatencyBuckets();

}  // namespace osteoflow

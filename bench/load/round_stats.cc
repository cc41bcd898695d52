#include "bench/load/round_stats.h"

#include <algorithm>
#include <cmath>

namespace osteoflow::bench {
namespace {

// Nearest-rank percentile of sorted values, in microseconds.
double PercentileUs(const std::vector<int64_t>& sorted_ns, double fraction) {
  if (sorted_ns.empty()) return 0;
  const auto rank =
      static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted_ns.size())));
  const size_t index = std::min(sorted_ns.size() - 1, rank == 0 ? 0 : rank - 1);
  return static_cast<double>(sorted_ns[index]) / 1000.0;
}

}  // namespace

Figures FiguresOf(const RoundSample& sample) {
  Figures figures;
  figures.calls = sample.ok_calls + sample.errors;
  const double seconds = absl::ToDoubleSeconds(sample.elapsed);
  figures.qps = seconds > 0 ? static_cast<double>(sample.ok_calls_in_window) / seconds : 0;
  figures.p50_us = PercentileUs(sample.latencies_ns, 0.50);
  figures.p90_us = PercentileUs(sample.latencies_ns, 0.90);
  figures.p99_us = PercentileUs(sample.latencies_ns, 0.99);
  figures.p999_us = PercentileUs(sample.latencies_ns, 0.999);
  figures.errors = sample.errors;
  return figures;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return (values[middle - 1] + values[middle]) / 2;
}

Figures MedianOf(const std::vector<Figures>& rounds) {
  Figures median;
  if (rounds.empty()) return median;
  auto median_of = [&rounds](auto field) {
    std::vector<double> values;
    for (const Figures& round : rounds) values.push_back(static_cast<double>(round.*field));
    return Median(std::move(values));
  };
  median.calls = static_cast<int64_t>(std::llround(median_of(&Figures::calls)));
  median.qps = median_of(&Figures::qps);
  median.p50_us = median_of(&Figures::p50_us);
  median.p90_us = median_of(&Figures::p90_us);
  median.p99_us = median_of(&Figures::p99_us);
  median.p999_us = median_of(&Figures::p999_us);
  for (const Figures& round : rounds) median.errors += round.errors;
  return median;
}

}  // namespace osteoflow::bench

#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/load/closed_loop.h"

namespace osteoflow::bench {

// The figures reported for one round, or the medians over rounds.
struct Figures {
  int64_t calls = 0;  // completed calls, successful or not
  double qps = 0;     // successful calls per second
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  int64_t errors = 0;
};

Figures FiguresOf(const RoundSample& sample);

// Each figure's median over rounds, except errors, which are summed so that
// none hides.
Figures MedianOf(const std::vector<Figures>& rounds);

// The median of a non-empty list (the mean of the middle two for an even count).
double Median(std::vector<double> values);

}  // namespace osteoflow::bench

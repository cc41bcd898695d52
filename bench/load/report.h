#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "bench/load/round_stats.h"

namespace osteoflow::bench {

// One method at one concurrency, against its baseline.
struct ScenarioResult {
  std::string label;
  std::string method;
  int concurrency = 0;
  absl::Duration round_duration;
  size_t target_response_bytes = 0;
  size_t baseline_response_bytes = 0;
  std::vector<Figures> target_rounds;
  // "echo" or "redis-set".
  std::string baseline_name = "echo";
  std::vector<Figures> baseline_rounds;  // empty without a baseline
  Figures target;                    // medians over rounds
  Figures baseline;
  double qps_ratio = 0;  // median over rounds of QPS(target) / QPS(baseline)
  std::string target_first_error;
  std::string baseline_first_error;
  // CPU each watched process spent per target call (--cpu_of); empty when
  // none is watched.
  std::vector<std::pair<std::string, double>> cpu_us_per_call;

  bool has_baseline() const { return !baseline_rounds.empty(); }
};

// One line per finished round, as the run goes.
void PrintRound(const std::string& server, int round, const Figures& figures);

// The block of median figures for one scenario.
void PrintScenario(const ScenarioResult& result);

// A Markdown table, one row per scenario, to paste into the README.
void PrintMarkdownTable(const std::vector<ScenarioResult>& results);

}  // namespace osteoflow::bench

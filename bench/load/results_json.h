#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bench/load/report.h"

namespace osteoflow::bench {

// Every scenario with its medians and each round, as JSON, fields in a fixed
// order so that two result files diff cleanly.
std::string ResultsJson(const std::vector<ScenarioResult>& results);

absl::Status WriteResultsJson(const std::string& path, const std::vector<ScenarioResult>& results);

}  // namespace osteoflow::bench

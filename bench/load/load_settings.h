#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace osteoflow::bench {

struct LoadSettings {
  std::string target;
  std::string method;
  std::string request_json;
  // The setting the request came from, to name it in errors.
  std::string request_setting;
  std::vector<int> concurrency;
  absl::Duration duration;
  int rounds = 3;
  absl::Duration warmup;
  std::string baseline_target;  // empty: no echo baseline, no ratio
  int channels = 1;
  absl::Duration deadline;
  std::string label;
  std::string json_out;
};

// Reads the flags (after osteoflow::LoadSettings) and checks them; exits 2
// naming the setting when one is invalid.
LoadSettings LoadSettingsFromFlags();

}  // namespace osteoflow::bench

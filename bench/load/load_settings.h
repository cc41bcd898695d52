#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/load/process_cpu.h"

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
  std::string baseline_target;  // osteoflow-echo; empty: no echo baseline
  // Size the echo's messages like the target's request rather than its response.
  bool echo_request_size = false;
  std::string baseline_redis;  // Redis for a SET or GET baseline instead of the echo
  std::string redis_command = "set";
  int baseline_unique_field = 0;  // baseline: the target with this field fresh per call
  std::string baseline_twin;  // baseline: the same method and request on this server
  std::string baseline_request_json;  // baseline: the same server and method with this request
  int unique_field = 0;        // see LoadTarget::unique_field
  int channels = 1;
  absl::Duration deadline;
  std::string label;
  std::string json_out;
  // Server processes whose CPU time per call is reported.
  std::vector<WatchedProcess> cpu_of;
  // The target's answer may be an error (a soak of requests the server
  // refuses): its first call reports it instead of ending the run.
  bool refusals_expected = false;
};

// Reads the flags (after osteoflow::LoadSettings) and checks them; exits 2
// naming the setting when one is invalid.
LoadSettings LoadSettingsFromFlags();

}  // namespace osteoflow::bench

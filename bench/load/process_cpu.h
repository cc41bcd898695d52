#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace osteoflow::bench {

// A server process whose CPU time a run accounts for.
struct WatchedProcess {
  std::string name;
  int pid = 0;
};

// "name=pid,name=pid"; INVALID_ARGUMENT naming cpu_of otherwise.
absl::StatusOr<std::vector<WatchedProcess>> ParseWatchedProcesses(const std::string& text);

// User plus system CPU time the process has used so far (/proc/<pid>/stat).
absl::StatusOr<absl::Duration> CpuTimeOf(int pid);

// CPU time each watched process spends on the measured calls: sampled
// around the target's rounds only (not the warm-up, not the baseline's
// interleaved rounds), divided by the calls those rounds made. When a
// machine's cores are the bottleneck, QPS at many calls in flight follows
// the CPU a call costs across all the processes it crosses.
class CpuPerCall {
 public:
  explicit CpuPerCall(std::vector<WatchedProcess> processes);

  void BeforeRound();
  void AfterRound(int64_t calls);

  struct Share {
    std::string name;
    double us_per_call = 0;
  };
  // One entry per process, in the order given; empty without calls.
  std::vector<Share> Shares() const;

 private:
  std::vector<WatchedProcess> processes_;
  std::vector<absl::Duration> at_start_;
  std::vector<absl::Duration> spent_;
  int64_t calls_ = 0;
};

}  // namespace osteoflow::bench

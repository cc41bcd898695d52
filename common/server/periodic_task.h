#pragma once

#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace osteoflow {

// Runs `task` every `interval` on a thread of its own until destroyed. A
// failure is logged (once per run of failures, and its recovery once), never
// fatal: the next run tries again.
class PeriodicTask {
 public:
  PeriodicTask(std::string name, absl::Duration interval, std::function<absl::Status()> task);
  ~PeriodicTask();

  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void Run();

  const std::string name_;
  const absl::Duration interval_;
  const std::function<absl::Status()> task_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace osteoflow

#pragma once

#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace osteoflow {

// Checks a dependency the service cannot work without (the durable store) at
// a fixed interval, on its own thread, and reports each change: readiness
// follows it, and the outage and the recovery are each logged once.
class DependencyWatch {
 public:
  // `probe` is OK while the dependency answers; `on_change(up)` runs on the
  // watch thread after the first check and after every change. Until the
  // first check has answered, the dependency counts as down: `on_change(false)`
  // runs once here, before the thread starts, so that a server started while a
  // slow first check is still waiting never reports ready too early.
  DependencyWatch(std::string name, absl::Duration interval, std::function<absl::Status()> probe,
                  std::function<void(bool up)> on_change);
  ~DependencyWatch();

  DependencyWatch(const DependencyWatch&) = delete;
  DependencyWatch& operator=(const DependencyWatch&) = delete;

 private:
  void Run();

  const std::string name_;
  const absl::Duration interval_;
  const std::function<absl::Status()> probe_;
  const std::function<void(bool)> on_change_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace osteoflow

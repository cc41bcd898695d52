#include "common/server/dependency_watch.h"

#include <optional>

#include "common/log/json_log.h"

namespace osteoflow {

DependencyWatch::DependencyWatch(std::string name, absl::Duration interval,
                                 std::function<absl::Status()> probe,
                                 std::function<void(bool up)> on_change)
    : name_(std::move(name)),
      interval_(interval),
      probe_(std::move(probe)),
      on_change_(std::move(on_change)) {
  on_change_(false);
  thread_ = std::thread([this] { Run(); });
}

DependencyWatch::~DependencyWatch() {
  stop_.Notify();
  thread_.join();
}

void DependencyWatch::Run() {
  std::optional<bool> last;
  do {
    const absl::Status status = probe_();
    const bool up = status.ok();
    if (last != up) {
      if (up) {
        LogLine("dependency_up").Add("dependency", name_).Write();
      } else {
        // The message names the dependency and the failure, never a request.
        LogLine("dependency_down")
            .Add("dependency", name_)
            .Add("error", std::string(status.message()))
            .Write();
      }
      on_change_(up);
      last = up;
    }
  } while (!stop_.WaitForNotificationWithTimeout(interval_));
}

}  // namespace osteoflow

#include "common/server/dependency_watch.h"

#include <optional>

#include <prometheus/family.h>
#include <prometheus/gauge.h>

#include "common/log/json_log.h"
#include "common/metrics/metrics_registry.h"

namespace osteoflow {
namespace {

// What readiness sees of each dependency, 1 up and 0 down.
prometheus::Gauge& UpGauge(const std::string& dependency) {
  static prometheus::Family<prometheus::Gauge>* const family =
      &prometheus::BuildGauge()
           .Name("osteoflow_dependency_up")
           .Help("1 while the service's readiness check finds the dependency, 0 while it does not.")
           .Register(*MetricsRegistry());
  return family->Add({{"dependency", dependency}});
}

}  // namespace

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
  prometheus::Gauge& up_gauge = UpGauge(name_);
  do {
    const absl::Status status = probe_();
    const bool up = status.ok();
    up_gauge.Set(up ? 1 : 0);
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

#include "common/server/periodic_task.h"

#include <utility>

#include "common/log/json_log.h"

namespace osteoflow {

PeriodicTask::PeriodicTask(std::string name, absl::Duration interval, std::function<absl::Status()> task)
    : name_(std::move(name)), interval_(interval), task_(std::move(task)), thread_([this] { Run(); }) {}

PeriodicTask::~PeriodicTask() {
  stop_.Notify();
  thread_.join();
}

void PeriodicTask::Run() {
  bool failing = false;
  while (!stop_.WaitForNotificationWithTimeout(interval_)) {
    const absl::Status status = task_();
    if (status.ok() == !failing) continue;
    failing = !status.ok();
    LogLine(failing ? "task_failing" : "task_recovered")
        .Add("task", name_)
        .Add("status", failing ? status.ToString() : std::string("OK"))
        .Write();
  }
}

}  // namespace osteoflow

#include "common/server/server_process.h"

#include <google/protobuf/stubs/logging.h>

#include <string>

#include "absl/synchronization/mutex.h"
#include "common/log/json_log.h"
#include "common/server/termination_signals.h"

namespace osteoflow {
namespace {

// libprotobuf's own messages (such as a string field of invalid UTF-8 in a
// request) as our JSON lines instead of plain text on stderr. They name a
// field, never its content.
void ProtobufMessageAsLogLine(google::protobuf::LogLevel level, const char* /*file*/, int /*line*/,
                              const std::string& message) {
  const char* severity = level >= google::protobuf::LOGLEVEL_ERROR     ? "error"
                         : level == google::protobuf::LOGLEVEL_WARNING ? "warning"
                                                                        : "info";
  LogLine("protobuf").Add("severity", severity).Add("message", message).Write();
}

}  // namespace

void PrepareServerProcess() {
  BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  google::protobuf::SetLogHandler(&ProtobufMessageAsLogLine);
}

}  // namespace osteoflow

#include "common/server/server_process.h"

#include "absl/synchronization/mutex.h"
#include "common/server/termination_signals.h"

namespace osteoflow {

void PrepareServerProcess() {
  BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace osteoflow

#pragma once

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace osteoflow {

// Counts the calls doing real work, so that a drain can wait for them and
// then end the streams that never finish by themselves (health watches,
// reflection sessions) instead of waiting for those until the deadline.
class InFlightCalls {
 public:
  // Whether a method is a stream that stays open until the client leaves;
  // such calls are not counted.
  static bool IsOpenEnded(absl::string_view method);

  void Begin();
  void End();

  // Waits until no counted call is in flight or the deadline passes.
  // True when drained.
  bool WaitUntilIdle(absl::Time deadline);

 private:
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace osteoflow

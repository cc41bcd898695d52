#pragma once

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace osteoflow {

// The time a service reads for every clinical date it checks ("today"):
// real time, plus an offset that only a test clock moves. Reading it is one
// atomic load; moving it takes a lock, so moves are ordered.
class SuiteClock {
 public:
  absl::Time Now() const { return absl::Now() + Offset(); }
  absl::Duration Offset() const {
    return absl::Microseconds(offset_micros_.load(std::memory_order_relaxed));
  }

  // Moves the clock forward to `time` (a time it already shows changes
  // nothing). FAILED_PRECONDITION when the clock is already past it: time does
  // not go back, and records already dated later would then lie in the
  // future.
  absl::Status MoveTo(absl::Time time);

 private:
  absl::Mutex move_;
  std::atomic<int64_t> offset_micros_{0};
};

}  // namespace osteoflow

#pragma once

#include <atomic>

#include "absl/strings/string_view.h"
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

  void Begin() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void End() { in_flight_.fetch_sub(1, std::memory_order_release); }

  // Waits until no counted call is in flight or the deadline passes.
  // True when drained. Polls: calls stay lock-free, and a drain can afford
  // a few milliseconds.
  bool WaitUntilIdle(absl::Time deadline);

  int Count() const { return in_flight_.load(std::memory_order_acquire); }

 private:
  std::atomic<int> in_flight_{0};
};

}  // namespace osteoflow

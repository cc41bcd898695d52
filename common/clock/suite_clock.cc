#include "common/clock/suite_clock.h"

#include "absl/strings/str_cat.h"

namespace osteoflow {

absl::Status SuiteClock::MoveTo(absl::Time time) {
  absl::MutexLock lock(&move_);
  const absl::Time now = Now();
  // A second's slack: a move passed on to a peer was computed a moment ago.
  if (time < now - absl::Seconds(1)) {
    return absl::FailedPreconditionError(
        absl::StrCat("time: the clock already shows ", absl::FormatTime(now, absl::UTCTimeZone()),
                     ", after ", absl::FormatTime(time, absl::UTCTimeZone()), "; it only goes forward"));
  }
  if (time > now) offset_micros_.store(absl::ToInt64Microseconds(time - absl::Now()), std::memory_order_relaxed);
  return absl::OkStatus();
}

}  // namespace osteoflow

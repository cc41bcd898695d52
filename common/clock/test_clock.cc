#include "common/clock/test_clock.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace osteoflow {
namespace {

using google::protobuf::util::TimeUtil;

void Describe(const SuiteClock& clock, testing::v1::SuiteTime* time) {
  *time->mutable_now() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock.Now()));
  *time->mutable_offset() = TimeUtil::MicrosecondsToDuration(absl::ToInt64Microseconds(clock.Offset()));
}

}  // namespace

TestClock::TestClock(std::string service, SuiteClock& clock, std::vector<std::unique_ptr<ClockPeer>> peers)
    : service_(std::move(service)), clock_(clock), peers_(std::move(peers)) {}

absl::Status TestClock::GetClock(const testing::v1::GetClockRequest&, testing::v1::SuiteTime* time) {
  Describe(clock_, time);
  return absl::OkStatus();
}

absl::Status TestClock::AdvanceClock(const testing::v1::AdvanceClockRequest& request, testing::v1::SuiteTime* time) {
  if (!request.has_by()) return absl::InvalidArgumentError("by: required");
  if (request.by().nanos() <= -1000000000 || request.by().nanos() >= 1000000000 ||
      std::abs(request.by().seconds()) > TimeUtil::kDurationMaxSeconds) {
    return absl::InvalidArgumentError("by: not a valid duration");
  }
  const absl::Duration by = absl::Microseconds(TimeUtil::DurationToMicroseconds(request.by()));
  if (by < absl::Seconds(1) || clock_.Offset() + by > kMostAhead) {
    return absl::InvalidArgumentError("by: must be at least 1s, and leave the clock at most 3650 days ahead");
  }
  return MoveTo(clock_.Now() + by, time);
}

absl::Status TestClock::SetClock(const testing::v1::SetClockRequest& request, testing::v1::SuiteTime* time) {
  if (!request.has_time()) return absl::InvalidArgumentError("time: required");
  if (request.time().nanos() < 0 || request.time().nanos() >= 1000000000 ||
      request.time().seconds() < TimeUtil::kTimestampMinSeconds ||
      request.time().seconds() > TimeUtil::kTimestampMaxSeconds) {
    return absl::InvalidArgumentError("time: not a valid timestamp");
  }
  const absl::Time to = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request.time()));
  if (to > absl::Now() + kMostAhead) return absl::InvalidArgumentError("time: at most 3650 days after real time");
  return MoveTo(to, time);
}

absl::Status TestClock::MoveTo(absl::Time to, testing::v1::SuiteTime* answer) {
  if (absl::Status moved = clock_.MoveTo(to); !moved.ok()) return moved;
  answer->add_moved(service_);
  // Each peer to the same time, so that every clock agrees whatever the
  // order; a peer that fails leaves the move made here (a SetClock to the
  // same time is the retry).
  for (const std::unique_ptr<ClockPeer>& peer : peers_) {
    absl::StatusOr<testing::v1::SuiteTime> passed = peer->MoveTo(to);
    if (!passed.ok()) return passed.status();
    for (const std::string& service : passed->moved()) {
      const auto& moved = answer->moved();
      if (std::find(moved.begin(), moved.end(), service) == moved.end()) answer->add_moved(service);
    }
  }
  Describe(clock_, answer);
  return absl::OkStatus();
}

}  // namespace osteoflow

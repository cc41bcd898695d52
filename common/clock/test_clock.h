#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/clock/suite_clock.h"
#include "osteoflow/testing/v1/test_clock.pb.h"

namespace osteoflow {

// A peer whose clock a move is passed on to.
class ClockPeer {
 public:
  virtual ~ClockPeer() = default;
  // Moves the peer's clock to `time` (and its peers'); what it answered.
  virtual absl::StatusOr<testing::v1::SuiteTime> MoveTo(absl::Time time) = 0;
};

// The test clock's use cases: read this service's clock, or move it forward
// and pass the move on to every peer, so that one call moves the suite.
class TestClock {
 public:
  TestClock(std::string service, SuiteClock& clock, std::vector<std::unique_ptr<ClockPeer>> peers);

  absl::Status GetClock(const testing::v1::GetClockRequest& request, testing::v1::SuiteTime* time);
  absl::Status AdvanceClock(const testing::v1::AdvanceClockRequest& request, testing::v1::SuiteTime* time);
  absl::Status SetClock(const testing::v1::SetClockRequest& request, testing::v1::SuiteTime* time);

  // The furthest a clock may be set ahead of real time.
  static constexpr absl::Duration kMostAhead = absl::Hours(24 * 3650);

 private:
  absl::Status MoveTo(absl::Time time, testing::v1::SuiteTime* answer);

  const std::string service_;
  SuiteClock& clock_;
  const std::vector<std::unique_ptr<ClockPeer>> peers_;
};

}  // namespace osteoflow

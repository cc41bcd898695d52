#pragma once

#include <future>
#include <string>

#include "absl/status/statusor.h"
#include "osteoflow/screening/v1/screening.pb.h"

namespace osteoflow::progress {

// The screening service, as enrolment needs it.
class ScreeningGateway {
 public:
  virtual ~ScreeningGateway() = default;
  // Starts screening and storing the intake and returns at once; the
  // answer comes through the future. The same request_id gives the same
  // screening. UNAVAILABLE when the service cannot be reached.
  virtual std::future<absl::StatusOr<osteoflow::screening::v1::Screening>> StartScreen(
      const std::string& request_id, const osteoflow::screening::v1::Intake& intake) = 0;
  // What screening the intake would give now, with nothing stored.
  virtual absl::StatusOr<osteoflow::screening::v1::ScreeningResult> Preview(
      const osteoflow::screening::v1::Intake& intake) = 0;
};

}  // namespace osteoflow::progress

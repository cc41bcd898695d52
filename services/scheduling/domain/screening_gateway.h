#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "osteoflow/screening/v1/screening.pb.h"

namespace osteoflow::scheduling {

// Screenings a plan can be asked for by name.
class ScreeningGateway {
 public:
  virtual ~ScreeningGateway() = default;

  // The result of "patients/{patient_id}/screenings/{screening_id}".
  // NOT_FOUND when there is no such screening; UNAVAILABLE when the
  // screening service cannot be reached.
  virtual absl::StatusOr<osteoflow::screening::v1::ScreeningResult> Result(
      absl::string_view screening_name) = 0;
};

}  // namespace osteoflow::scheduling

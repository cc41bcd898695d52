#pragma once

#include <string>

#include "osteoflow/progress/v1/progress_service.pb.h"
#include "osteoflow/screening/v1/intake.pb.h"

namespace osteoflow::testing {

// An enrolment of `intake` as `patient`, for a week of Monday, Wednesday and
// Friday at 40 minutes a day, starting on Monday 2026-11-23 (in the past, so
// that its sessions can be logged).
osteoflow::progress::v1::EnrollRequest ThreeDayEnrolment(const osteoflow::screening::v1::Intake& intake,
                                                          const std::string& patient,
                                                          const std::string& request_id);

}  // namespace osteoflow::testing

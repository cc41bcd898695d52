#pragma once

#include "absl/status/statusor.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"

namespace osteoflow::progress {

// The scheduling service, as a programme needs it.
class SchedulingGateway {
 public:
  virtual ~SchedulingGateway() = default;
  virtual absl::StatusOr<osteoflow::scheduling::v1::WeeklyPlan> Plan(
      const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request) = 0;
};

}  // namespace osteoflow::progress

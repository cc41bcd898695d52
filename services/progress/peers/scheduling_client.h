#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "osteoflow/scheduling/v1/scheduling_service.grpc.pb.h"
#include "services/progress/domain/scheduling_gateway.h"

namespace osteoflow::progress {

// SchedulingGateway over the scheduling service's BuildWeeklyPlan, on one
// reused channel with a deadline per call.
class SchedulingClient final : public SchedulingGateway {
 public:
  SchedulingClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);
  absl::StatusOr<osteoflow::scheduling::v1::WeeklyPlan> Plan(
      const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request) override;

 private:
  const absl::Duration deadline_;
  const std::unique_ptr<osteoflow::scheduling::v1::SchedulingService::Stub> stub_;
};

}  // namespace osteoflow::progress

#include "services/progress/peers/scheduling_client.h"

#include "common/server/call_access.h"
#include "common/status/peer_status.h"

namespace osteoflow::progress {

SchedulingClient::SchedulingClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : deadline_(deadline), stub_(osteoflow::scheduling::v1::SchedulingService::NewStub(std::move(channel))) {}

absl::StatusOr<osteoflow::scheduling::v1::WeeklyPlan> SchedulingClient::Plan(
    const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request) {
  grpc::ClientContext context;
  PreparePeerCall(context, deadline_);
  osteoflow::scheduling::v1::WeeklyPlan plan;
  const grpc::Status status = stub_->BuildWeeklyPlan(&context, request, &plan);
  if (!status.ok()) return PeerStatus("scheduling", status);
  return plan;
}

}  // namespace osteoflow::progress

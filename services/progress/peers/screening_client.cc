#include "services/progress/peers/screening_client.h"

#include "common/server/call_access.h"
#include "common/status/peer_status.h"

namespace osteoflow::progress {

ScreeningClient::ScreeningClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : deadline_(deadline), stub_(osteoflow::screening::v1::ScreeningService::NewStub(std::move(channel))) {}

std::future<absl::StatusOr<osteoflow::screening::v1::Screening>> ScreeningClient::StartScreen(
    const std::string& request_id, const osteoflow::screening::v1::Intake& intake) {
  // Everything the call needs lives until its callback has run.
  struct Call {
    grpc::ClientContext context;
    osteoflow::screening::v1::ScreenRequest request;
    osteoflow::screening::v1::Screening screening;
    std::promise<absl::StatusOr<osteoflow::screening::v1::Screening>> answer;
  };
  auto call = std::make_shared<Call>();
  PreparePeerCall(call->context, deadline_);
  call->request.set_request_id(request_id);
  *call->request.mutable_intake() = intake;
  std::future<absl::StatusOr<osteoflow::screening::v1::Screening>> answer = call->answer.get_future();
  stub_->async()->Screen(&call->context, &call->request, &call->screening, [call](grpc::Status status) {
    if (status.ok()) {
      call->answer.set_value(std::move(call->screening));
    } else {
      call->answer.set_value(PeerStatus("screening", status));
    }
  });
  return answer;
}

absl::StatusOr<osteoflow::screening::v1::ScreeningResult> ScreeningClient::Preview(
    const osteoflow::screening::v1::Intake& intake) {
  grpc::ClientContext context;
  PreparePeerCall(context, deadline_);
  osteoflow::screening::v1::ValidateIntakeRequest request;
  *request.mutable_intake() = intake;
  osteoflow::screening::v1::ValidateIntakeResponse response;
  const grpc::Status status = stub_->ValidateIntake(&context, request, &response);
  if (!status.ok()) return PeerStatus("screening", status);
  return std::move(*response.mutable_preview());
}

}  // namespace osteoflow::progress

#include "services/scheduling/peers/screening_client.h"

#include "absl/strings/str_cat.h"
#include "common/server/call_access.h"
#include "common/status/peer_status.h"

namespace osteoflow::scheduling {

namespace screening_v1 = osteoflow::screening::v1;

ScreeningClient::ScreeningClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : deadline_(deadline), stub_(screening_v1::ScreeningService::NewStub(std::move(channel))) {}

absl::StatusOr<screening_v1::ScreeningResult> ScreeningClient::Result(absl::string_view screening_name) {
  grpc::ClientContext context;
  PreparePeerCall(context, deadline_);
  screening_v1::GetScreeningRequest request;
  request.set_name(std::string(screening_name));
  screening_v1::Screening screening;
  const grpc::Status status = stub_->GetScreening(&context, request, &screening);
  if (status.ok()) return std::move(*screening.mutable_result());
  const absl::Status peer = PeerStatus("screening", status);
  // The caller's mistakes are about the request's `screening` field.
  switch (peer.code()) {
    case absl::StatusCode::kNotFound:
      return absl::NotFoundError(absl::StrCat("screening: ", screening_name, " does not exist"));
    case absl::StatusCode::kInvalidArgument:
      return absl::InvalidArgumentError(absl::StrCat("screening: ", peer.message()));
    default:
      return peer;
  }
}

}  // namespace osteoflow::scheduling

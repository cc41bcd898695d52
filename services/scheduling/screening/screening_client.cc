#include "services/scheduling/screening/screening_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "common/server/call_access.h"

namespace osteoflow::scheduling {

namespace screening_v1 = osteoflow::screening::v1;

ScreeningClient::ScreeningClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : deadline_(deadline), stub_(screening_v1::ScreeningService::NewStub(std::move(channel))) {}

absl::StatusOr<screening_v1::ScreeningResult> ScreeningClient::Result(absl::string_view screening_name) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  // The peer decides on the original caller.
  ForwardedCaller::AttachTo(context);
  screening_v1::GetScreeningRequest request;
  request.set_name(std::string(screening_name));
  screening_v1::Screening screening;
  const grpc::Status status = stub_->GetScreening(&context, request, &screening);
  if (status.ok()) return std::move(*screening.mutable_result());
  const absl::Status peer = FromGrpcStatus(status);
  switch (peer.code()) {
    case absl::StatusCode::kNotFound:
      return absl::NotFoundError(absl::StrCat("screening: ", screening_name, " does not exist"));
    case absl::StatusCode::kInvalidArgument:
      return absl::InvalidArgumentError(absl::StrCat("screening: ", peer.message()));
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      // The caller's own token was refused there: a refusal, not "not now".
      return absl::Status(peer.code(), absl::StrCat("screening service: ", peer.message()));
    default:
      // Timeouts, refusals and the peer's own outages are all "not now".
      return absl::UnavailableError(absl::StrCat("screening service: ", peer.message()));
  }
}

}  // namespace osteoflow::scheduling

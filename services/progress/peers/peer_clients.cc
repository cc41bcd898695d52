#include "services/progress/peers/peer_clients.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "common/server/call_access.h"

namespace osteoflow::progress {
namespace {

// A peer's answer as ours: what the caller sent wrong stays the caller's
// (the peer names the fields), a clinical stop stays one, and everything
// else (timeouts, refusals, the peer's own outages) is "not now".
absl::Status FromPeer(absl::string_view peer, const grpc::Status& status) {
  const absl::Status answer = FromGrpcStatus(status);
  switch (answer.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kNotFound:
    // The caller's own (forwarded) token refused there is a refusal too.
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return answer;
    default:
      return absl::UnavailableError(absl::StrCat(peer, " service: ", answer.message()));
  }
}

}  // namespace

ScreeningClient::ScreeningClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : deadline_(deadline), stub_(osteoflow::screening::v1::ScreeningService::NewStub(std::move(channel))) {}

absl::StatusOr<osteoflow::screening::v1::Screening> ScreeningClient::Screen(
    const std::string& request_id, const osteoflow::screening::v1::Intake& intake) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  // The peer decides on the original caller.
  ForwardedCaller::AttachTo(context);
  osteoflow::screening::v1::ScreenRequest request;
  request.set_request_id(request_id);
  *request.mutable_intake() = intake;
  osteoflow::screening::v1::Screening screening;
  const grpc::Status status = stub_->Screen(&context, request, &screening);
  if (!status.ok()) return FromPeer("screening", status);
  return screening;
}

SchedulingClient::SchedulingClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : deadline_(deadline), stub_(osteoflow::scheduling::v1::SchedulingService::NewStub(std::move(channel))) {}

absl::StatusOr<osteoflow::scheduling::v1::WeeklyPlan> SchedulingClient::Plan(
    const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  // The peer decides on the original caller.
  ForwardedCaller::AttachTo(context);
  osteoflow::scheduling::v1::WeeklyPlan plan;
  const grpc::Status status = stub_->BuildWeeklyPlan(&context, request, &plan);
  if (!status.ok()) return FromPeer("scheduling", status);
  return plan;
}

}  // namespace osteoflow::progress

#include "fuzz/support/progress_peers.h"

#include "common/status/grpc_status.h"
#include "common/status/peer_status.h"

namespace osteoflow::fuzz {
namespace {

namespace screening_v1 = osteoflow::screening::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;

// A peer's wire answer as its client reads it.
template <typename Message>
absl::StatusOr<Message> Answered(absl::string_view peer, const absl::Status& status, const std::string& wire) {
  if (!status.ok()) return PeerStatus(peer, ToGrpcStatus(status));
  Message message;
  if (!message.ParseFromString(wire)) return absl::InternalError("a peer's answer does not parse");
  return message;
}

}  // namespace

std::future<absl::StatusOr<screening_v1::Screening>> ScreeningInProcess::StartScreen(
    const std::string& request_id, const screening_v1::Intake& intake) {
  screening_v1::ScreenRequest request;
  request.set_request_id(request_id);
  *request.mutable_intake() = intake;
  std::string wire;
  const absl::Status status = screenings_->Screen(request, &wire);
  std::promise<absl::StatusOr<screening_v1::Screening>> answer;
  answer.set_value(Answered<screening_v1::Screening>("screening", status, wire));
  return answer.get_future();
}

absl::StatusOr<screening_v1::ScreeningResult> ScreeningInProcess::Preview(const screening_v1::Intake& intake) {
  screening_v1::ValidateIntakeRequest request;
  *request.mutable_intake() = intake;
  std::string wire;
  const absl::Status status = screenings_->Preview(request, &wire);
  absl::StatusOr<screening_v1::ValidateIntakeResponse> response =
      Answered<screening_v1::ValidateIntakeResponse>("screening", status, wire);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_preview());
}

absl::StatusOr<scheduling_v1::WeeklyPlan> SchedulingInProcess::Plan(const scheduling_v1::BuildWeeklyPlanRequest& request) {
  std::string wire;
  const absl::Status status = plans_->Build(request, &wire);
  return Answered<scheduling_v1::WeeklyPlan>("scheduling", status, wire);
}

}  // namespace osteoflow::fuzz

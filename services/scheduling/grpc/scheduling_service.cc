#include "services/scheduling/grpc/scheduling_service.h"

#include "common/server/unary_answer.h"

namespace osteoflow::scheduling {

grpc::ServerUnaryReactor* SchedulingServiceImpl::BuildWeeklyPlan(grpc::CallbackServerContext* context,
                                                                 const grpc::ByteBuffer* request,
                                                                 grpc::ByteBuffer* response) {
  return AnswerUnaryQuicklyOrOn<v1::BuildWeeklyPlanRequest>(
      work_, context, "/osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan", request, response,
      [this](const auto& parsed, auto* answer) -> QuickOutcome {
        std::variant<absl::Status, WeeklyPlans::Rest> outcome = plans_->BuildQuickly(parsed, answer);
        if (absl::Status* status = std::get_if<absl::Status>(&outcome)) return *status;
        return UnaryContinuation(std::get<WeeklyPlans::Rest>(std::move(outcome)));
      });
}

grpc::ServerUnaryReactor* SchedulingServiceImpl::GetWeeklyPlan(grpc::CallbackServerContext* context,
                                                               const grpc::ByteBuffer* request,
                                                               grpc::ByteBuffer* response) {
  return AnswerUnaryOn<v1::GetWeeklyPlanRequest, std::string>(
      work_, context, "/osteoflow.scheduling.v1.SchedulingService/GetWeeklyPlan", request, response,
      [this](const auto& parsed, auto* answer) { return plans_->Get(parsed, answer); });
}

}  // namespace osteoflow::scheduling

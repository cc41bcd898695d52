#include "services/scheduling/grpc/scheduling_service.h"

#include "common/server/unary_answer.h"

namespace osteoflow::scheduling {

grpc::ServerUnaryReactor* SchedulingServiceImpl::BuildWeeklyPlan(grpc::CallbackServerContext* context,
                                                                 const grpc::ByteBuffer* request,
                                                                 grpc::ByteBuffer* response) {
  return AnswerUnaryQuicklyOrOn<v1::BuildWeeklyPlanRequest>(
      work_, context, request, response,
      [this](const auto& parsed, auto* answer) { return plans_->BuildQuickly(parsed, answer); },
      [this](const auto& parsed, auto* answer) { return plans_->Build(parsed, answer); });
}

grpc::ServerUnaryReactor* SchedulingServiceImpl::GetWeeklyPlan(grpc::CallbackServerContext* context,
                                                               const grpc::ByteBuffer* request,
                                                               grpc::ByteBuffer* response) {
  return AnswerUnaryOn<v1::GetWeeklyPlanRequest, std::string>(
      work_, context, request, response,
      [this](const auto& parsed, auto* answer) { return plans_->Get(parsed, answer); });
}

}  // namespace osteoflow::scheduling

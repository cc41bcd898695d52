#include "services/screening/grpc/screening_service.h"

#include "common/server/unary_answer.h"

namespace osteoflow::screening {

grpc::ServerUnaryReactor* ScreeningServiceImpl::Screen(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return AnswerUnaryOn<v1::ScreenRequest, std::string>(
      store_work_, context, "/osteoflow.screening.v1.ScreeningService/Screen", request, response,
      [this](const auto& parsed, auto* answer) { return screenings_->Screen(parsed, answer); });
}

grpc::ServerUnaryReactor* ScreeningServiceImpl::GetScreening(grpc::CallbackServerContext* context,
                                                             const grpc::ByteBuffer* request,
                                                             grpc::ByteBuffer* response) {
  return AnswerUnaryOn<v1::GetScreeningRequest, v1::Screening>(
      store_work_, context, "/osteoflow.screening.v1.ScreeningService/GetScreening", request, response,
      [this](const auto& parsed, auto* answer) { return screenings_->Get(parsed, answer); });
}

grpc::ServerUnaryReactor* ScreeningServiceImpl::ListScreenings(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return AnswerUnaryOn<v1::ListScreeningsRequest, v1::ListScreeningsResponse>(
      store_work_, context, "/osteoflow.screening.v1.ScreeningService/ListScreenings", request, response,
      [this](const auto& parsed, auto* answer) { return screenings_->List(parsed, answer); });
}

grpc::ServerUnaryReactor* ScreeningServiceImpl::ValidateIntake(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return AnswerUnary<v1::ValidateIntakeRequest, std::string>(
      context, "/osteoflow.screening.v1.ScreeningService/ValidateIntake", request, response,
      [this](const auto& parsed, auto* answer) { return screenings_->Preview(parsed, answer); });
}

}  // namespace osteoflow::screening

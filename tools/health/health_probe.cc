#include "tools/health/health_probe.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tools/rpc/channel.h"
#include "tools/rpc/unary_call.h"

namespace osteoflow::tools {

using grpc::health::v1::HealthCheckResponse;

HealthProbe::HealthProbe(const std::string& target)
    : stub_(grpc::health::v1::Health::NewStub(
          MakeChannel(target, {.own_connection = false, .fast_reconnect = true}))) {}

HealthAnswer HealthProbe::Check(const std::string& service, absl::Duration deadline,
                                bool wait_for_ready) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  context.set_wait_for_ready(wait_for_ready);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const grpc::Status status = stub_->Check(&context, request, &response);

  HealthAnswer answer;
  if (!status.ok()) {
    answer.detail = absl::StrCat(CodeName(status.error_code()), ": ", status.error_message());
    switch (status.error_code()) {
      case grpc::StatusCode::NOT_FOUND:
        // The protocol's answer for a service name the server does not know.
        answer = {HealthOutcome::kNotServing, "SERVICE_UNKNOWN", ""};
        break;
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        answer.outcome = HealthOutcome::kUnreachable;
        answer.word = "UNREACHABLE";
        break;
      default:
        answer.outcome = HealthOutcome::kError;
        answer.word = "ERROR";
        break;
    }
    return answer;
  }
  answer.outcome = response.status() == HealthCheckResponse::SERVING ? HealthOutcome::kServing
                                                                     : HealthOutcome::kNotServing;
  answer.word = HealthCheckResponse::ServingStatus_Name(response.status());
  if (answer.word.empty()) answer.word = absl::StrCat("STATUS_", response.status());
  return answer;
}

}  // namespace osteoflow::tools

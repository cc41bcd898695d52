#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"
#include "services/progress/domain/screening_gateway.h"

namespace osteoflow::progress {

// ScreeningGateway over the screening service's Screen (started without
// waiting, on gRPC's callback API) and ValidateIntake, on one reused channel
// with a deadline per call.
class ScreeningClient final : public ScreeningGateway {
 public:
  ScreeningClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);
  std::future<absl::StatusOr<osteoflow::screening::v1::Screening>> StartScreen(
      const std::string& request_id, const osteoflow::screening::v1::Intake& intake) override;
  absl::StatusOr<osteoflow::screening::v1::ScreeningResult> Preview(
      const osteoflow::screening::v1::Intake& intake) override;

 private:
  const absl::Duration deadline_;
  const std::unique_ptr<osteoflow::screening::v1::ScreeningService::Stub> stub_;
};

}  // namespace osteoflow::progress

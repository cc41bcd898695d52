#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"
#include "services/scheduling/domain/screening_gateway.h"

namespace osteoflow::scheduling {

// ScreeningGateway over the screening service's GetScreening, on one reused
// channel, with a deadline on every call.
class ScreeningClient final : public ScreeningGateway {
 public:
  ScreeningClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);

  absl::StatusOr<osteoflow::screening::v1::ScreeningResult> Result(
      absl::string_view screening_name) override;

 private:
  const absl::Duration deadline_;
  const std::unique_ptr<osteoflow::screening::v1::ScreeningService::Stub> stub_;
};

}  // namespace osteoflow::scheduling

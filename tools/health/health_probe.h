#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace osteoflow::tools {

enum class HealthOutcome { kServing, kNotServing, kUnreachable, kError };

struct HealthAnswer {
  HealthOutcome outcome = HealthOutcome::kError;
  // SERVING, NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN, UNREACHABLE or ERROR.
  std::string word;
  // For UNREACHABLE and ERROR: "CODE: message" of the failed call.
  std::string detail;
};

// Asks one server's standard health service about one service name.
class HealthProbe {
 public:
  explicit HealthProbe(const std::string& target);

  // One Check call. With `wait_for_ready` the call waits for a connection up
  // to the deadline instead of failing at once.
  HealthAnswer Check(const std::string& service, absl::Duration deadline, bool wait_for_ready);

 private:
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
};

}  // namespace osteoflow::tools

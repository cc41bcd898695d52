#include "common/server/in_flight_calls.h"

#include "absl/strings/match.h"

namespace osteoflow {

bool InFlightCalls::IsOpenEnded(absl::string_view method) {
  return method == "/grpc.health.v1.Health/Watch" ||
         absl::StartsWith(method, "/grpc.reflection.");
}

void InFlightCalls::Begin() {
  absl::MutexLock lock(&mu_);
  ++in_flight_;
}

void InFlightCalls::End() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

bool InFlightCalls::WaitUntilIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

}  // namespace osteoflow

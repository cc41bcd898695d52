#include "common/server/in_flight_calls.h"

#include "absl/strings/match.h"
#include "absl/time/clock.h"

namespace osteoflow {

bool InFlightCalls::IsOpenEnded(absl::string_view method) {
  return method == "/grpc.health.v1.Health/Watch" ||
         absl::StartsWith(method, "/grpc.reflection.");
}

bool InFlightCalls::WaitUntilIdle(absl::Time deadline) {
  while (in_flight_.load(std::memory_order_acquire) > 0) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return true;
}

}  // namespace osteoflow

#include "common/server/unary_finish.h"

#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "common/status/grpc_status.h"

namespace osteoflow {
namespace {

std::atomic<int64_t> response_delay_us{0};

}  // namespace

void SetResponseDelay(absl::Duration delay) {
  response_delay_us.store(absl::ToInt64Microseconds(delay), std::memory_order_relaxed);
}

void FinishReactor(grpc::ServerUnaryReactor* reactor, const absl::Status& status) {
  const int64_t delay_us = response_delay_us.load(std::memory_order_relaxed);
  if (delay_us == 0) {
    reactor->Finish(ToGrpcStatus(status));
    return;
  }
  // Test-only path: a thread per call keeps the callback thread free.
  std::thread([reactor, grpc_status = ToGrpcStatus(status), delay_us] {
    absl::SleepFor(absl::Microseconds(delay_us));
    reactor->Finish(grpc_status);
  }).detach();
}

grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  FinishReactor(reactor, status);
  return reactor;
}

}  // namespace osteoflow

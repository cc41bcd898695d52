#pragma once

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace osteoflow {

// Finishes a unary callback call with a domain status, mapped once by
// ToGrpcStatus. Every unary handler of ours ends through here.
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status);

// The same for a reactor taken earlier (work finished on another thread).
void FinishReactor(grpc::ServerUnaryReactor* reactor, const absl::Status& status);

// Holds every response back by `delay` (0 = none). Set from the
// test_response_delay setting so that tests can have a call in flight while
// they signal the server; never set in production.
void SetResponseDelay(absl::Duration delay);

}  // namespace osteoflow

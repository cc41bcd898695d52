#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace osteoflow {

// The one place where a domain status becomes a gRPC status. Domain code speaks
// absl::Status; adapters call this and nothing else to answer a call.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients of our peers: a gRPC status as a domain status.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace osteoflow

#pragma once

#include <memory>
#include <string>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"

namespace osteoflow::testing {

// Calls a unary method with raw request bytes and returns the status; on OK
// `response` (when given) receives the response bytes as the server sent
// them, so tests can compare answers byte for byte. A non-empty
// `bearer_token` goes with the call as `authorization: Bearer <token>`.
grpc::Status CallRawBytes(grpc::GenericStub& stub, const std::string& method, const std::string& request,
                          std::string* response, absl::Duration deadline = absl::Seconds(10),
                          const std::string& bearer_token = "");

// Sends raw bytes to a method, as a broken or hostile client would, and
// returns the status (5 s deadline).
grpc::Status SendRawBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& bytes);

}  // namespace osteoflow::testing

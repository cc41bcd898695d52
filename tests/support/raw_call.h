#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

namespace osteoflow::testing {

// Sends raw bytes to a method, as a broken or hostile client would, and
// returns the status (5 s deadline).
grpc::Status SendRawBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& bytes);

}  // namespace osteoflow::testing

#pragma once

#include "osteoflow/bench/v1/echo.grpc.pb.h"

namespace osteoflow::bench {

// Returns each request unchanged. Callback API, no interceptors, no logging:
// the floor every real unary call is compared with.
class EchoServiceImpl final : public osteoflow::bench::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const osteoflow::bench::v1::EchoMessage* request,
                                 osteoflow::bench::v1::EchoMessage* response) override;
};

}  // namespace osteoflow::bench

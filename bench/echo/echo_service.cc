#include "bench/echo/echo_service.h"

namespace osteoflow::bench {

grpc::ServerUnaryReactor* EchoServiceImpl::Echo(grpc::CallbackServerContext* context,
                                                const osteoflow::bench::v1::EchoMessage* request,
                                                osteoflow::bench::v1::EchoMessage* response) {
  // Parse and serialise like a real handler would; only the work is missing.
  *response = *request;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace osteoflow::bench

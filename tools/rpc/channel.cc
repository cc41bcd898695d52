#include "tools/rpc/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "common/config/settings.h"
#include "common/security/transport_security.h"

namespace osteoflow::tools {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, ChannelOptions options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  if (options.own_connection) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (options.fast_reconnect) {
    // The default backoff starts at 1 s and grows; a readiness wait would
    // then notice a freshly started server late.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  }
  // Read once: every channel of a tool uses the same settings.
  static const TransportSecurity* const security =
      new TransportSecurity(ValueOrExit(ClientTransportFromFlags()));
  return grpc::CreateCustomChannel(target, ChannelCredentialsFor(*security), args);
}

}  // namespace osteoflow::tools

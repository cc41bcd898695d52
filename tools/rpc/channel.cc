#include "tools/rpc/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <fstream>
#include <string>

#include "absl/flags/flag.h"

#include "common/config/settings.h"
#include "common/security/transport_security.h"

ABSL_FLAG(std::string, token_file, "",
          "a file holding the bearer token (JWT) to send with every call; needs TLS (--tls_ca_file)");

namespace osteoflow::tools {
namespace {

std::shared_ptr<grpc::ChannelCredentials> Credentials() {
  const TransportSecurity security = ValueOrExit(ClientTransportFromFlags());
  std::shared_ptr<grpc::ChannelCredentials> credentials = ChannelCredentialsFor(security);
  const std::string token_file = absl::GetFlag(FLAGS_token_file);
  if (token_file.empty()) return credentials;
  if (security.plaintext) ExitInvalidSetting("token_file", "a token is sent only over TLS: set tls_ca_file");
  std::ifstream file(token_file);
  std::string token;
  if (!file || !std::getline(file, token) || token.empty()) ExitInvalidSetting("token_file", "cannot read a token");
  return grpc::CompositeChannelCredentials(credentials, grpc::AccessTokenCredentials(token));
}

}  // namespace

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
  static const std::shared_ptr<grpc::ChannelCredentials>* const credentials =
      new std::shared_ptr<grpc::ChannelCredentials>(Credentials());
  return grpc::CreateCustomChannel(target, *credentials, args);
}

}  // namespace osteoflow::tools

#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

namespace osteoflow::tools {

struct ChannelOptions {
  // A connection of its own rather than one shared with other channels to the
  // same target, so that several channels really spread the load.
  bool own_connection = false;
  // Retry connecting quickly: for tools that wait for a server to come up.
  bool fast_reconnect = false;
};

// A channel that accepts responses up to 64 MiB: TLS when --tls_ca_file is
// given (mutual with --tls_cert_file and --tls_key_file), plaintext otherwise;
// with --token_file, every call carries that bearer token.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, ChannelOptions options);

}  // namespace osteoflow::tools

#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/strings/string_view.h"
#include "common/security/transport_security.h"

namespace osteoflow {

// The channel to a peer service: its transport security, and, when
// `count_calls`, every call counted in the grpc_client_* series under the
// peer's contract (its full service name). Connects lazily and reconnects by itself.
std::shared_ptr<grpc::Channel> PeerChannel(const std::string& address, const TransportSecurity& security,
                                           absl::string_view peer_service, bool count_calls);

}  // namespace osteoflow

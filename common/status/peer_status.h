#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace osteoflow {

// A peer's answer as ours, for calls made on a caller's behalf. What the
// caller sent wrong stays the caller's, with the peer's message (it names the
// fields): INVALID_ARGUMENT, FAILED_PRECONDITION (a clinical stop stays one),
// ALREADY_EXISTS, NOT_FOUND. The caller's own (forwarded) token refused there
// stays a refusal: PERMISSION_DENIED, UNAUTHENTICATED, as
// "<peer> service: <message>". Everything else is PeerUnavailable.
absl::Status PeerStatus(absl::string_view peer, const grpc::Status& status);

// UNAVAILABLE "<peer> service: <message>": timeouts, the peer's own outages,
// and any failure of a call the service makes for itself, which is never
// the caller's doing ("not now").
absl::Status PeerUnavailable(absl::string_view peer, const grpc::Status& status);

}  // namespace osteoflow

#pragma once

#include <string>
#include "absl/strings/string_view.h"

#include <grpcpp/server_context.h>

namespace osteoflow {

// Metadata key carrying a call's request id, in both directions.
inline constexpr char kRequestIdKey[] = "x-request-id";

// A fresh random request id (32 hex digits).
std::string NewRequestId();

// Whether a caller-given request id is safe to log and echo: 1..128
// characters of letters, digits, '-', '_', '.' and ':'.
bool IsAcceptableRequestId(absl::string_view id);

// The request id of the current call. The call interceptor guarantees one:
// either the caller's, or a generated id it placed into the call's metadata.
std::string RequestIdOf(const grpc::ServerContextBase& context);

}  // namespace osteoflow

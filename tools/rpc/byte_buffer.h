#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <string>

#include "absl/strings/string_view.h"

namespace osteoflow::tools {

// Wraps already-serialised bytes for a generic call (one copy, made once).
grpc::ByteBuffer ToByteBuffer(absl::string_view bytes);

// Flattens a received buffer into one string.
std::string FromByteBuffer(const grpc::ByteBuffer& buffer);

}  // namespace osteoflow::tools

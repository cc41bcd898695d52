#pragma once

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow::tools {

// A unary method found in the generated descriptor pool.
struct UnaryMethod {
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  // The HTTP/2 path gRPC sends: "/package.Service/Method".
  std::string path;
};

// Accepts "package.Service/Method", "/package.Service/Method" or
// "package.Service.Method". Only methods whose proto library is linked into the
// program are known. INVALID_ARGUMENT for a malformed name, NOT_FOUND for an
// unknown one, UNIMPLEMENTED for a streaming method.
absl::StatusOr<UnaryMethod> FindUnaryMethod(absl::string_view name);

}  // namespace osteoflow::tools

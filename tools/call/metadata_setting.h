#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/rpc/unary_call.h"

namespace osteoflow::tools {

// "key=value" items into call metadata. Keys are lowercased and must be valid
// gRPC header names that are not reserved ("grpc-" prefix); values must be
// printable ASCII unless the key ends in "-bin". Errors start with "metadata:".
absl::StatusOr<Metadata> ParseMetadata(const std::vector<std::string>& items);

// absl flags keep only the last of a repeated flag. This merges every
// "--<name>=v" / "--<name> v" in argv into one comma-joined "--<name>=..." so
// that a repeated flag adds up. Returns the new argument strings.
std::vector<std::string> MergeRepeatedFlag(int argc, char** argv, const std::string& name);

}  // namespace osteoflow::tools

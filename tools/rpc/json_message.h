#pragma once

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow::tools {

// JSON (proto3 JSON mapping) into the wire bytes of a message of `type`.
// INVALID_ARGUMENT with the parser's reason when the JSON does not fit.
absl::StatusOr<std::string> JsonToWire(const google::protobuf::Descriptor& type,
                                       absl::string_view json);

struct JsonStyle {
  bool pretty = true;
  // Also print fields that hold their default value.
  bool print_defaults = false;
};

// Wire bytes of a message of `type` into JSON. DATA_LOSS when the bytes do not
// parse as that type.
absl::StatusOr<std::string> WireToJson(const google::protobuf::Descriptor& type,
                                       absl::string_view wire, JsonStyle style);

}  // namespace osteoflow::tools

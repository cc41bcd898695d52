#pragma once

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace osteoflow {

// Parses protobuf's JSON form into `message`; unknown fields are errors, so a
// misspelt field in reviewed data cannot be silently ignored.
// INVALID_ARGUMENT with protobuf's explanation.
absl::Status ParseJsonMessage(absl::string_view json, google::protobuf::Message* message);

// Reads a whole file. NOT_FOUND when it cannot be opened.
absl::Status ReadWholeFile(const std::string& path, std::string* contents);

}  // namespace osteoflow

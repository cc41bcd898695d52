#pragma once

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace osteoflow::tools {

// Reads a JSON file into a message (unknown fields refused). Errors name the
// file and, where it can be found, the line of the field at fault:
// "session.json: line 7: Cannot find field: repsPerSett".
absl::Status ReadJsonFile(const std::string& path, google::protobuf::Message* message);

// The line (1-based) of a JSON file that holds a field named by the last
// part of `field_path` ("session.items[0].pain" → the first line with
// "pain"), in either its proto or its JSON name; 0 when none does.
int LineOfField(absl::string_view text, absl::string_view field_path);

}  // namespace osteoflow::tools

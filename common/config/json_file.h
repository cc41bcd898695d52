#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace osteoflow {

// Parses protobuf's JSON form into `message`; unknown fields are errors, so a
// misspelt field in reviewed data cannot be silently ignored.
// INVALID_ARGUMENT with protobuf's explanation.
absl::Status ParseJsonMessage(absl::string_view json, google::protobuf::Message* message);

// Reads a whole file. NOT_FOUND when it cannot be opened.
absl::Status ReadWholeFile(const std::string& path, std::string* contents);

// Loads a reviewed data file: reads it, parses protobuf's JSON form into a
// `Document`, and returns what `build(document)` makes of it (an
// absl::StatusOr). Every error starts with "<kind> file " and names the file.
template <typename Document, typename Build>
std::invoke_result_t<Build, Document> LoadDataFile(const std::string& path, absl::string_view kind, Build build) {
  std::string text;
  if (absl::Status read = ReadWholeFile(path, &text); !read.ok()) {
    return absl::Status(read.code(), absl::StrCat(kind, " file ", read.message()));
  }
  Document document;
  if (absl::Status parsed = ParseJsonMessage(text, &document); !parsed.ok()) {
    return absl::Status(parsed.code(), absl::StrCat(kind, " file ", path, ": ", parsed.message()));
  }
  std::invoke_result_t<Build, Document> built = build(std::move(document));
  if (!built.ok()) {
    return absl::Status(built.status().code(), absl::StrCat(kind, " file ", path, ": ", built.status().message()));
  }
  return built;
}

}  // namespace osteoflow

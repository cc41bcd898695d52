#include "common/config/json_file.h"

#include <fstream>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace osteoflow {

absl::Status ParseJsonMessage(absl::string_view json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("not a valid ", message->GetTypeName(), ": ",
                                                   parsed.message().as_string()));
  }
  return absl::OkStatus();
}

absl::Status ReadWholeFile(const std::string& path, std::string* contents) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat(path, ": cannot be opened"));
  std::ostringstream text;
  text << file.rdbuf();
  *contents = text.str();
  return absl::OkStatus();
}

}  // namespace osteoflow

#include "tools/call/metadata_setting.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace osteoflow::tools {
namespace {

bool IsHeaderNameChar(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '_' || c == '.';
}

}  // namespace

absl::StatusOr<Metadata> ParseMetadata(const std::vector<std::string>& items) {
  Metadata metadata;
  for (const std::string& item : items) {
    if (item.empty()) continue;
    const size_t equals = item.find('=');
    if (equals == std::string::npos || equals == 0) {
      return absl::InvalidArgumentError(absl::StrCat("metadata: '", item, "' is not key=value"));
    }
    const std::string key = absl::AsciiStrToLower(absl::string_view(item).substr(0, equals));
    const std::string value = item.substr(equals + 1);
    for (char c : key) {
      if (!IsHeaderNameChar(c)) {
        return absl::InvalidArgumentError(
            absl::StrCat("metadata: '", key, "' is not a header name"));
      }
    }
    if (absl::StartsWith(key, "grpc-")) {
      return absl::InvalidArgumentError(absl::StrCat("metadata: '", key, "' is reserved by gRPC"));
    }
    if (!absl::EndsWith(key, "-bin")) {
      for (char c : value) {
        if (c < 0x20 || c > 0x7e) {
          return absl::InvalidArgumentError(
              absl::StrCat("metadata: the value of '", key, "' is not printable ASCII"));
        }
      }
    }
    metadata.emplace_back(key, value);
  }
  return metadata;
}

std::vector<std::string> MergeRepeatedFlag(int argc, char** argv, const std::string& name) {
  const std::string bare = absl::StrCat("--", name);
  const std::string with_value = absl::StrCat(bare, "=");
  std::vector<std::string> args;
  std::vector<std::string> values;
  for (int i = 0; i < argc; ++i) {
    const absl::string_view arg(argv[i]);
    if (i > 0 && absl::StartsWith(arg, with_value)) {
      values.emplace_back(arg.substr(with_value.size()));
    } else if (i > 0 && arg == bare && i + 1 < argc) {
      values.emplace_back(argv[++i]);
    } else {
      args.emplace_back(arg);
    }
  }
  if (!values.empty()) args.push_back(absl::StrCat(with_value, absl::StrJoin(values, ",")));
  return args;
}

}  // namespace osteoflow::tools

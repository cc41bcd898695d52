#include "common/text/resource_names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/field_violations.h"
#include "common/text/identifiers.h"

namespace osteoflow {
namespace {

bool IsIdSegment(absl::string_view segment) {
  return absl::StartsWith(segment, "{") && absl::EndsWith(segment, "}");
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitResourceName(absl::string_view name,
                                                           absl::string_view pattern,
                                                           absl::string_view field) {
  const std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  const std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  std::vector<std::string> ids;
  bool matches = got.size() == want.size();
  for (size_t i = 0; matches && i < want.size(); ++i) {
    if (IsIdSegment(want[i])) {
      matches = IsOpaqueId(got[i]);
      ids.emplace_back(got[i]);
    } else {
      matches = got[i] == want[i];
    }
  }
  if (!matches) {
    return InvalidField(field, absl::StrCat(name.empty() ? "required, \"" : "want \"", pattern, "\""));
  }
  return ids;
}

}  // namespace osteoflow

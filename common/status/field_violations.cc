#include "common/status/field_violations.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace osteoflow {

void FieldViolations::Add(absl::string_view field, absl::string_view why) {
  violations_.push_back(absl::StrCat(field, ": ", why));
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(violations_, "; "));
}

absl::Status InvalidField(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

}  // namespace osteoflow

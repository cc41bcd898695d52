#include "common/status/field_violations.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace osteoflow {

void FieldViolations::Add(absl::string_view field, absl::string_view why) {
  ++count_;
  if (violations_.size() < max_listed_) violations_.push_back(absl::StrCat(field, ": ", why));
}

void FieldViolations::Include(const absl::Status& status) {
  if (status.ok()) return;
  ++count_;
  if (violations_.size() < max_listed_) violations_.emplace_back(status.message());
}

absl::Status FieldViolations::ToStatus() const {
  if (count_ == 0) return absl::OkStatus();
  std::string message = absl::StrJoin(violations_, "; ");
  if (count_ > violations_.size()) {
    absl::StrAppend(&message, "; and ", count_ - violations_.size(), " more");
  }
  return absl::InvalidArgumentError(message);
}

absl::Status InvalidField(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

}  // namespace osteoflow

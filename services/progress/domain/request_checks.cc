#include "services/progress/domain/request_checks.h"

#include "common/status/field_violations.h"
#include "common/text/identifiers.h"

namespace osteoflow::progress {

absl::Status CheckOpaqueId(const std::string& id, absl::string_view field) {
  if (IsOpaqueId(id)) return absl::OkStatus();
  return InvalidField(field, "required: 1-64 characters from A-Z a-z 0-9 . _ -");
}

}  // namespace osteoflow::progress

#include "services/progress/domain/request_checks.h"

#include "common/status/field_violations.h"
#include "common/text/identifiers.h"
#include "osteoflow/common/v1/dose.pb.h"

namespace osteoflow::progress {

absl::Status CheckOpaqueId(const std::string& id, absl::string_view field) {
  if (IsOpaqueId(id)) return absl::OkStatus();
  return InvalidField(field, "required: 1-64 characters from A-Z a-z 0-9 . _ -");
}

absl::Status CheckBandLevel(int level, absl::string_view field) {
  if (common::v1::BandLevel_IsValid(level)) return absl::OkStatus();
  return InvalidField(field, "unknown band level");
}

}  // namespace osteoflow::progress

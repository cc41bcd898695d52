#include "services/progress/domain/program_names.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/field_violations.h"
#include "common/text/identifiers.h"

namespace osteoflow::progress {

absl::StatusOr<ProgramKey> ParseProgramName(const std::string& name, const std::string& field) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "patients" || parts[2] != "programs" || !IsOpaqueId(parts[1]) ||
      !IsOpaqueId(parts[3])) {
    return InvalidField(field, name.empty() ? "required, \"patients/{patient_id}/programs/{program_id}\""
                                            : "want \"patients/{patient_id}/programs/{program_id}\"");
  }
  return ProgramKey{std::string(parts[1]), std::string(parts[3])};
}

std::string ProgramName(absl::string_view patient_id, absl::string_view program_id) {
  return absl::StrCat("patients/", patient_id, "/programs/", program_id);
}

}  // namespace osteoflow::progress

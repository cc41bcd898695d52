#include "services/progress/domain/program_names.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/text/resource_names.h"

namespace osteoflow::progress {

absl::StatusOr<ProgramKey> ParseProgramName(const std::string& name, const std::string& field) {
  absl::StatusOr<std::vector<std::string>> ids =
      SplitResourceName(name, "patients/{patient_id}/programs/{program_id}", field);
  if (!ids.ok()) return ids.status();
  return ProgramKey{std::move((*ids)[0]), std::move((*ids)[1])};
}

std::string ProgramName(absl::string_view patient_id, absl::string_view program_id) {
  return absl::StrCat("patients/", patient_id, "/programs/", program_id);
}

}  // namespace osteoflow::progress

#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// A programme's resource name, "patients/{patient_id}/programs/{program_id}",
// and the two ids it is stored under.
namespace osteoflow::progress {

struct ProgramKey {
  std::string patient_id;
  std::string program_id;
};

// INVALID_ARGUMENT naming `field` for anything but a programme's name.
absl::StatusOr<ProgramKey> ParseProgramName(const std::string& name, const std::string& field);

std::string ProgramName(absl::string_view patient_id, absl::string_view program_id);

}  // namespace osteoflow::progress

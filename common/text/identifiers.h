#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace osteoflow {

// "YYYY-MM-DD" of a real calendar day (no normalising of 2026-02-30).
bool ParseIsoDate(absl::string_view text, absl::CivilDay* day);

// Opaque ids (patient ids, request ids): 1-64 characters from A-Z a-z 0-9 . _ -
// Safe in Redis keys, resource names and log lines, and carry no health data.
bool IsOpaqueId(absl::string_view id);

// The ids in a screening's resource name, of this pattern (SplitResourceName).
inline constexpr absl::string_view kScreeningNamePattern = "patients/{patient_id}/screenings/{screening_id}";
struct ScreeningNameParts {
  std::string patient_id;
  std::string screening_id;
};
// False when the name is not of that form with opaque ids.
bool SplitScreeningName(absl::string_view name, ScreeningNameParts* parts);

}  // namespace osteoflow

#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow {

// The parent of the records listed per patient.
inline constexpr absl::string_view kPatientParentPattern = "patients/{patient_id}";

// A resource name split against its pattern, written as the API documents
// it: collection ids, and a "{...}" segment where each id stands, e.g.
// "patients/{patient_id}/programs/{program_id}". Every id must be an opaque
// id (IsOpaqueId). Returns the ids in order. Anything else is
// INVALID_ARGUMENT naming `field`: `required, "<pattern>"` when the name is
// empty, `want "<pattern>"` otherwise.
absl::StatusOr<std::vector<std::string>> SplitResourceName(absl::string_view name,
                                                           absl::string_view pattern,
                                                           absl::string_view field);

}  // namespace osteoflow

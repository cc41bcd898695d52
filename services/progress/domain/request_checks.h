#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Checks that every write request shares.
namespace osteoflow::progress {

// The longest note a person may attach to a record.
inline constexpr size_t kMaxNoteLength = 2000;

// INVALID_ARGUMENT naming `field` unless `id` is an opaque id (a request_id,
// a patient_id): 1-64 characters from A-Z a-z 0-9 . _ -.
absl::Status CheckOpaqueId(const std::string& id, absl::string_view field);

// INVALID_ARGUMENT naming `field` unless `level` is a band level or
// unspecified (no band used, or not noted).
absl::Status CheckBandLevel(int level, absl::string_view field);

}  // namespace osteoflow::progress

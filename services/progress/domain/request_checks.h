#pragma once

#include <cstddef>

// Limits that the write requests share.
namespace osteoflow::progress {

// The longest note a person may attach to a record.
inline constexpr size_t kMaxNoteLength = 2000;

}  // namespace osteoflow::progress

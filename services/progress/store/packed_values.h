#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow::progress {

// Large stored values (plans, finished weeks) are kept deflated: a plan
// repeats its cues and citations per item and shrinks about five times,
// which is most of what a year of a programme takes in Redis. A packed value
// starts with a zero byte, which no serialised protobuf message does (field
// number 0 does not exist), then the unpacked size (4 bytes, little-endian)
// and the zlib stream; anything else is stored as it is.
std::string PackValue(absl::string_view bytes);

// The value as it was before packing; INTERNAL when a packed value is damaged.
absl::StatusOr<std::string> UnpackValue(std::string stored);

// Values at least this long are packed.
inline constexpr size_t kPackFromBytes = 2048;

}  // namespace osteoflow::progress

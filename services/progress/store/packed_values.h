#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow::progress {

// Large stored values (plans, finished weeks) are kept compressed: a plan
// repeats its cues and citations per item and shrinks about six times,
// which is most of what a year of a programme takes in Redis. A packed value
// starts with a byte no serialised protobuf message starts with (a field
// number of 0): 1 for a zstd frame (level 1: a 17 KB plan in about 25 µs,
// against about 140 µs for zlib's level 1, and a little smaller), or 0 for a
// zlib stream behind its 4-byte little-endian size, as earlier versions
// wrote them (still read; and written with store_packing=zlib during a
// rolling upgrade from such a version). Anything else is stored as it is.
enum class PackFormat {
  kZstd,
  // Only for a rolling upgrade from a version that reads zlib alone: every
  // replica reads both, so once none of the older ones is left, use zstd.
  kZlib,
};
std::string PackValue(absl::string_view bytes, PackFormat format = PackFormat::kZstd);
// "zstd" or "zlib"; INVALID_ARGUMENT otherwise.
absl::StatusOr<PackFormat> ParsePackFormat(absl::string_view name);

// The value as it was before packing; INTERNAL when a packed value is damaged.
absl::StatusOr<std::string> UnpackValue(std::string stored);

// Values at least this long are packed.
inline constexpr size_t kPackFromBytes = 2048;

}  // namespace osteoflow::progress

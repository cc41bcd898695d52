#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow::progress {

// Stored values are kept compressed: a plan repeats its cues and citations
// per item, and what one plan, week or session log says is mostly what the
// catalog and the rules say in every other. A packed value starts with a
// byte no serialised protobuf message starts with (a field number of 0):
//   2  a zstd frame made with a dictionary built into the binary (see
//      store_dictionaries.h), whose id the frame carries: the catalog's and
//      the rules' text is in the dictionary, so even a session log shrinks;
//   1  a zstd frame with no dictionary (level 1: a 17 KB plan in about
//      25 µs, against about 140 µs for zlib's level 1);
//   0  a zlib stream behind its 4-byte little-endian size, as the first
//      versions wrote them.
// Every format is read; which one is written is a setting, so that a rolling
// upgrade can keep writing what the older replicas read. Anything else is
// stored as it is.
enum class PackFormat {
  kZstdDictionary,
  // Only for a rolling upgrade from a version that reads no dictionary.
  kZstd,
  // Only for a rolling upgrade from a version that reads zlib alone: every
  // replica reads both, so once none of the older ones is left, use zstd.
  kZlib,
};
std::string PackValue(absl::string_view bytes, PackFormat format = PackFormat::kZstdDictionary);
// "zstd-dictionary", "zstd" or "zlib"; INVALID_ARGUMENT otherwise.
absl::StatusOr<PackFormat> ParsePackFormat(absl::string_view name);

// The value as it was before packing; INTERNAL when a packed value is damaged.
absl::StatusOr<std::string> UnpackValue(std::string stored);

// Values at least this long are packed: with a dictionary nearly all, as
// what they share with it is most of them; without one only large ones.
inline constexpr size_t kPackWithDictionaryFromBytes = 64;
inline constexpr size_t kPackFromBytes = 2048;

}  // namespace osteoflow::progress

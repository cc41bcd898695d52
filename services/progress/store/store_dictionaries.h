#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace osteoflow::progress {

// A zstd dictionary built into the binary (services/progress/data/packing/).
// A stored value packed with one names it by its id, so every dictionary
// ever shipped stays in every later build: removing one would make the
// values packed with it unreadable.
struct ShippedDictionaryFile {
  const char* name;
  const unsigned char* bytes;
  size_t size;
};
// Generated at build time from the data directory.
absl::Span<const ShippedDictionaryFile> ShippedDictionaryFiles();

class StoreDictionary {
 public:
  uint32_t id() const { return id_; }
  absl::Span<const unsigned char> bytes() const { return bytes_; }
  // Made once, shared by every thread (zstd's prepared dictionaries are
  // read-only once made).
  const ZSTD_CDict_s* compression() const { return compression_; }
  const ZSTD_DDict_s* decompression() const { return decompression_; }

 private:
  friend class StoreDictionaries;
  uint32_t id_ = 0;
  absl::Span<const unsigned char> bytes_;
  ZSTD_CDict_s* compression_ = nullptr;
  ZSTD_DDict_s* decompression_ = nullptr;
};

// The dictionary with this id; nullptr when this build has none such.
const StoreDictionary* FindStoreDictionary(uint32_t id);
// The one new values are packed with: the highest id shipped (nullptr in a
// build with none, such as the one that trains the first).
const StoreDictionary* NewestStoreDictionary();

}  // namespace osteoflow::progress

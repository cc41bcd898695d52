#include "services/progress/store/store_dictionaries.h"

#include <zstd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace osteoflow::progress {

// The level the dictionaries are prepared for (see packed_values.cc).
inline constexpr int kDictionaryLevel = 1;

class StoreDictionaries {
 public:
  static const std::vector<StoreDictionary>& All() {
    // Never freed: values may be unpacked until the process ends.
    static const std::vector<StoreDictionary>* const all = Load();
    return *all;
  }

 private:
  static std::vector<StoreDictionary>* Load() {
    auto* all = new std::vector<StoreDictionary>();
    for (const ShippedDictionaryFile& file : ShippedDictionaryFiles()) {
      StoreDictionary dictionary;
      dictionary.id_ = ZSTD_getDictID_fromDict(file.bytes, file.size);
      dictionary.bytes_ = absl::MakeConstSpan(file.bytes, file.size);
      dictionary.compression_ = ZSTD_createCDict(file.bytes, file.size, kDictionaryLevel);
      dictionary.decompression_ = ZSTD_createDDict(file.bytes, file.size);
      // A shipped file that is not a dictionary is a build defect, found by
      // the unit tests; refuse to run rather than write what cannot be read.
      if (dictionary.id_ == 0 || dictionary.compression_ == nullptr || dictionary.decompression_ == nullptr) {
        std::fprintf(stderr, "store dictionary %s is not a zstd dictionary\n", file.name);
        std::abort();
      }
      all->push_back(dictionary);
    }
    return all;
  }
};

const StoreDictionary* FindStoreDictionary(uint32_t id) {
  for (const StoreDictionary& dictionary : StoreDictionaries::All()) {
    if (dictionary.id() == id) return &dictionary;
  }
  return nullptr;
}

const StoreDictionary* NewestStoreDictionary() {
  // Found once: every value packed asks for it.
  static const StoreDictionary* const newest = [] {
    const StoreDictionary* found = nullptr;
    for (const StoreDictionary& dictionary : StoreDictionaries::All()) {
      if (found == nullptr || dictionary.id() > found->id()) found = &dictionary;
    }
    return found;
  }();
  return newest;
}

}  // namespace osteoflow::progress

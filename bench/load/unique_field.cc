#include "bench/load/unique_field.h"

#include <cstdint>

namespace osteoflow::bench {
namespace {

void AppendVarint(uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

}  // namespace

std::string EncodedStringField(int field_number, const std::string& value) {
  constexpr uint64_t kLengthDelimited = 2;
  std::string out;
  AppendVarint((static_cast<uint64_t>(field_number) << 3) | kLengthDelimited, out);
  AppendVarint(value.size(), out);
  out += value;
  return out;
}

}  // namespace osteoflow::bench

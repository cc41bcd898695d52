#include "services/progress/store/packed_values.h"

#include <zlib.h>

#include <cstdint>

namespace osteoflow::progress {
namespace {

constexpr size_t kHeaderBytes = 5;
// A plan or week is tens of KB; anything claiming more is damaged.
constexpr uint32_t kMaxUnpackedBytes = 64u << 20;

}  // namespace

std::string PackValue(absl::string_view bytes) {
  if (bytes.size() < kPackFromBytes || bytes.size() > kMaxUnpackedBytes) return std::string(bytes);
  uLongf packed_size = compressBound(static_cast<uLong>(bytes.size()));
  std::string packed(kHeaderBytes + packed_size, '\0');
  const auto size = static_cast<uint32_t>(bytes.size());
  for (int i = 0; i < 4; ++i) packed[1 + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  // Level 1: nearly all of the saving for a fraction of the time.
  if (compress2(reinterpret_cast<Bytef*>(packed.data() + kHeaderBytes), &packed_size,
                reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uLong>(bytes.size()), 1) != Z_OK ||
      kHeaderBytes + packed_size >= bytes.size()) {
    return std::string(bytes);
  }
  packed.resize(kHeaderBytes + packed_size);
  return packed;
}

absl::StatusOr<std::string> UnpackValue(std::string stored) {
  if (stored.empty() || stored[0] != '\0') return stored;
  if (stored.size() < kHeaderBytes) return absl::InternalError("redis store: a packed value is damaged");
  uint32_t size = 0;
  for (int i = 0; i < 4; ++i) size |= static_cast<uint32_t>(static_cast<unsigned char>(stored[1 + i])) << (8 * i);
  if (size > kMaxUnpackedBytes) return absl::InternalError("redis store: a packed value is damaged");
  std::string bytes(size, '\0');
  uLongf unpacked = size;
  if (uncompress(reinterpret_cast<Bytef*>(bytes.data()), &unpacked,
                 reinterpret_cast<const Bytef*>(stored.data() + kHeaderBytes),
                 static_cast<uLong>(stored.size() - kHeaderBytes)) != Z_OK ||
      unpacked != size) {
    return absl::InternalError("redis store: a packed value is damaged");
  }
  return bytes;
}

}  // namespace osteoflow::progress

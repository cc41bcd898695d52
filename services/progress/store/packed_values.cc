#include "services/progress/store/packed_values.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <memory>

namespace osteoflow::progress {
namespace {

// The first byte of a stored value says how it is kept. No serialised
// protobuf message starts with a byte below 8 (that would be field 0).
constexpr char kDeflated = '\0';  // written by earlier versions: size, then zlib
constexpr char kZstd = '\1';      // a zstd frame, which records its own size
constexpr size_t kDeflatedHeaderBytes = 5;
// A plan or week is tens of KB; anything claiming more is damaged.
constexpr uint64_t kMaxUnpackedBytes = 64u << 20;
// Level 1: about as small as zlib's best quick level, several times faster.
constexpr int kZstdLevel = 1;

absl::Status Damaged() { return absl::InternalError("redis store: a packed value is damaged"); }

// One compression context per thread: making one costs more than packing a
// plan. Frames carry a checksum, so that damage is found, never read as a
// different plan.
ZSTD_CCtx* ThreadContext() {
  struct Free {
    void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
  };
  thread_local const std::unique_ptr<ZSTD_CCtx, Free> context([] {
    ZSTD_CCtx* made = ZSTD_createCCtx();
    if (made != nullptr && (ZSTD_isError(ZSTD_CCtx_setParameter(made, ZSTD_c_compressionLevel, kZstdLevel)) ||
                            ZSTD_isError(ZSTD_CCtx_setParameter(made, ZSTD_c_checksumFlag, 1)))) {
      ZSTD_freeCCtx(made);
      made = nullptr;
    }
    return made;
  }());
  return context.get();
}

std::string Deflate(absl::string_view bytes) {
  uLongf packed_size = compressBound(static_cast<uLong>(bytes.size()));
  std::string packed(kDeflatedHeaderBytes + packed_size, '\0');
  packed[0] = kDeflated;
  const auto size = static_cast<uint32_t>(bytes.size());
  for (int i = 0; i < 4; ++i) packed[1 + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  if (compress2(reinterpret_cast<Bytef*>(packed.data() + kDeflatedHeaderBytes), &packed_size,
                reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uLong>(bytes.size()), 1) != Z_OK ||
      kDeflatedHeaderBytes + packed_size >= bytes.size()) {
    return std::string(bytes);
  }
  packed.resize(kDeflatedHeaderBytes + packed_size);
  return packed;
}

std::string Compress(absl::string_view bytes) {
  ZSTD_CCtx* context = ThreadContext();
  if (context == nullptr) return std::string(bytes);
  std::string packed(1 + ZSTD_compressBound(bytes.size()), '\0');
  packed[0] = kZstd;
  const size_t size = ZSTD_compress2(context, packed.data() + 1, packed.size() - 1, bytes.data(), bytes.size());
  if (ZSTD_isError(size) || 1 + size >= bytes.size()) return std::string(bytes);
  packed.resize(1 + size);
  return packed;
}

absl::StatusOr<std::string> Inflate(const std::string& stored) {
  if (stored.size() < kDeflatedHeaderBytes) return Damaged();
  uint32_t size = 0;
  for (int i = 0; i < 4; ++i) size |= static_cast<uint32_t>(static_cast<unsigned char>(stored[1 + i])) << (8 * i);
  if (size > kMaxUnpackedBytes) return Damaged();
  std::string bytes(size, '\0');
  uLongf unpacked = size;
  if (uncompress(reinterpret_cast<Bytef*>(bytes.data()), &unpacked,
                 reinterpret_cast<const Bytef*>(stored.data() + kDeflatedHeaderBytes),
                 static_cast<uLong>(stored.size() - kDeflatedHeaderBytes)) != Z_OK ||
      unpacked != size) {
    return Damaged();
  }
  return bytes;
}

absl::StatusOr<std::string> Decompress(const std::string& stored) {
  const char* frame = stored.data() + 1;
  const size_t frame_size = stored.size() - 1;
  const unsigned long long size = ZSTD_getFrameContentSize(frame, frame_size);
  // Only large values are packed: a frame claiming none is not one of ours.
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR || size == 0 || size > kMaxUnpackedBytes) {
    return Damaged();
  }
  std::string bytes(size, '\0');
  const size_t unpacked = ZSTD_decompress(bytes.data(), bytes.size(), frame, frame_size);
  if (ZSTD_isError(unpacked) || unpacked != size) return Damaged();
  return bytes;
}

}  // namespace

std::string PackValue(absl::string_view bytes, PackFormat format) {
  if (bytes.size() < kPackFromBytes || bytes.size() > kMaxUnpackedBytes) return std::string(bytes);
  return format == PackFormat::kZstd ? Compress(bytes) : Deflate(bytes);
}

absl::StatusOr<PackFormat> ParsePackFormat(absl::string_view name) {
  if (name == "zstd") return PackFormat::kZstd;
  if (name == "zlib") return PackFormat::kZlib;
  return absl::InvalidArgumentError("want zstd or zlib");
}

absl::StatusOr<std::string> UnpackValue(std::string stored) {
  if (stored.empty()) return stored;
  switch (stored[0]) {
    case kZstd: return Decompress(stored);
    case kDeflated: return Inflate(stored);
    default: return stored;
  }
}

}  // namespace osteoflow::progress

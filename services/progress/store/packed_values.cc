#include "services/progress/store/packed_values.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/progress/store/store_dictionaries.h"

namespace osteoflow::progress {
namespace {

// The first byte of a stored value says how it is kept. No serialised
// protobuf message starts with a byte below 8 (that would be field 0).
constexpr char kDeflated = '\0';  // written by earlier versions: size, then zlib
constexpr char kZstd = '\1';      // a zstd frame, which records its own size
constexpr char kZstdDictionary = '\2';  // a zstd frame that names its dictionary
constexpr size_t kDeflatedHeaderBytes = 5;
// A plan or week is tens of KB; anything claiming more is damaged.
constexpr uint64_t kMaxUnpackedBytes = 64u << 20;
// Level 1: about as small as zlib's best quick level, several times faster.
constexpr int kZstdLevel = 1;

absl::Status Damaged() { return absl::InternalError("redis store: a packed value is damaged"); }

struct FreeCompression {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};
struct FreeDecompression {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// A compression context at our level, with a checksum in every frame so that
// damage is found, never read as a different plan; with `dictionary` when
// given. nullptr when zstd cannot make one.
ZSTD_CCtx* MakeContext(const StoreDictionary* dictionary) {
  ZSTD_CCtx* made = ZSTD_createCCtx();
  if (made != nullptr && (ZSTD_isError(ZSTD_CCtx_setParameter(made, ZSTD_c_compressionLevel, kZstdLevel)) ||
                          ZSTD_isError(ZSTD_CCtx_setParameter(made, ZSTD_c_checksumFlag, 1)) ||
                          (dictionary != nullptr &&
                           ZSTD_isError(ZSTD_CCtx_refCDict(made, dictionary->compression()))))) {
    ZSTD_freeCCtx(made);
    made = nullptr;
  }
  return made;
}

// One context of each kind per thread: making one costs more than packing a
// plan.
ZSTD_CCtx* ThreadContext() {
  thread_local const std::unique_ptr<ZSTD_CCtx, FreeCompression> context(MakeContext(nullptr));
  return context.get();
}
ZSTD_CCtx* ThreadDictionaryContext() {
  thread_local const std::unique_ptr<ZSTD_CCtx, FreeCompression> context(
      NewestStoreDictionary() == nullptr ? nullptr : MakeContext(NewestStoreDictionary()));
  return context.get();
}
ZSTD_DCtx* ThreadDecompressionContext() {
  thread_local const std::unique_ptr<ZSTD_DCtx, FreeDecompression> context(ZSTD_createDCtx());
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

std::string Compress(absl::string_view bytes, char format) {
  // With no dictionary built in, a plain frame.
  if (format == kZstdDictionary && NewestStoreDictionary() == nullptr) format = kZstd;
  ZSTD_CCtx* context = format == kZstdDictionary ? ThreadDictionaryContext() : ThreadContext();
  if (context == nullptr) return std::string(bytes);
  std::string packed(1 + ZSTD_compressBound(bytes.size()), '\0');
  packed[0] = format;
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
  // Only values with something in them are packed: a frame claiming none is
  // not one of ours.
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR || size == 0 || size > kMaxUnpackedBytes) {
    return Damaged();
  }
  const StoreDictionary* dictionary = nullptr;
  const unsigned dictionary_id = ZSTD_getDictID_fromFrame(frame, frame_size);
  if (stored[0] == kZstdDictionary) {
    dictionary = FindStoreDictionary(dictionary_id);
    if (dictionary == nullptr) {
      return absl::InternalError(absl::StrCat("redis store: a value is packed with dictionary ", dictionary_id,
                                              ", which this version does not have"));
    }
  } else if (dictionary_id != 0) {
    return Damaged();
  }
  ZSTD_DCtx* context = ThreadDecompressionContext();
  if (context == nullptr) return absl::ResourceExhaustedError("redis store: zstd could not make a context");
  std::string bytes(size, '\0');
  const size_t unpacked =
      dictionary == nullptr
          ? ZSTD_decompressDCtx(context, bytes.data(), bytes.size(), frame, frame_size)
          : ZSTD_decompress_usingDDict(context, bytes.data(), bytes.size(), frame, frame_size,
                                       dictionary->decompression());
  if (ZSTD_isError(unpacked) || unpacked != size) return Damaged();
  return bytes;
}

}  // namespace

std::string PackValue(absl::string_view bytes, PackFormat format) {
  const size_t least = format == PackFormat::kZstdDictionary ? kPackWithDictionaryFromBytes : kPackFromBytes;
  if (bytes.size() < least || bytes.size() > kMaxUnpackedBytes) return std::string(bytes);
  switch (format) {
    case PackFormat::kZstdDictionary: return Compress(bytes, kZstdDictionary);
    case PackFormat::kZstd: return Compress(bytes, kZstd);
    case PackFormat::kZlib: return Deflate(bytes);
  }
  return std::string(bytes);
}

absl::StatusOr<PackFormat> ParsePackFormat(absl::string_view name) {
  if (name == "zstd-dictionary") return PackFormat::kZstdDictionary;
  if (name == "zstd") return PackFormat::kZstd;
  if (name == "zlib") return PackFormat::kZlib;
  return absl::InvalidArgumentError("want zstd-dictionary, zstd or zlib");
}

absl::StatusOr<std::string> UnpackValue(std::string stored) {
  if (stored.empty()) return stored;
  switch (stored[0]) {
    case kZstd:
    case kZstdDictionary: return Decompress(stored);
    case kDeflated: return Inflate(stored);
    default: return stored;
  }
}

}  // namespace osteoflow::progress

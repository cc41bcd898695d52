#include "common/server/request_id.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace osteoflow {

std::string NewRequestId() {
  thread_local absl::BitGen bits;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(bits),
                         absl::Uniform<uint64_t>(bits));
}

bool IsAcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' &&
        c != '.' && c != ':') {
      return false;
    }
  }
  return true;
}

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  // The interceptor appends its generated id after any unusable one the caller
  // sent, so the last acceptable value is the call's id.
  std::string id;
  const auto range = metadata.equal_range(kRequestIdKey);
  for (auto it = range.first; it != range.second; ++it) {
    const absl::string_view value(it->second.data(), it->second.size());
    if (IsAcceptableRequestId(value)) id.assign(value.data(), value.size());
  }
  return id;
}

}  // namespace osteoflow

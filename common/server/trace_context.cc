#include "common/server/trace_context.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace osteoflow {
namespace {

bool IsLowerHex(absl::string_view text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsAllZero(absl::string_view text) { return text.find_first_not_of('0') == absl::string_view::npos; }

uint64_t NonZeroRandom() {
  thread_local absl::BitGen bits;
  uint64_t value = 0;
  while (value == 0) value = absl::Uniform<uint64_t>(bits);
  return value;
}

}  // namespace

std::optional<CallerTrace> ParseTraceparent(absl::string_view header) {
  // version(2) - trace id(32) - parent id(16) - flags(2) = 55 characters.
  constexpr size_t kLength = 55;
  if (header.size() < kLength) return std::nullopt;
  const absl::string_view version = header.substr(0, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" ? header.size() != kLength : header.size() > kLength && header[kLength] != '-') {
    return std::nullopt;
  }
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  const absl::string_view trace_id = header.substr(3, 32);
  const absl::string_view parent_id = header.substr(36, 16);
  const absl::string_view flags = header.substr(53, 2);
  if (!IsLowerHex(trace_id) || !IsLowerHex(parent_id) || !IsLowerHex(flags)) return std::nullopt;
  if (IsAllZero(trace_id) || IsAllZero(parent_id)) return std::nullopt;
  const int flag_bits = (flags[0] >= 'a' ? flags[0] - 'a' + 10 : flags[0] - '0') * 16 +
                        (flags[1] >= 'a' ? flags[1] - 'a' + 10 : flags[1] - '0');
  return CallerTrace{std::string(trace_id), std::string(parent_id), (flag_bits & 1) != 0};
}

std::string NewTraceId() { return absl::StrFormat("%016x%016x", NonZeroRandom(), NonZeroRandom()); }

std::string NewSpanId() { return absl::StrFormat("%016x", NonZeroRandom()); }

std::string TraceContext::TraceparentForPeers() const {
  return absl::StrCat("00-", trace_id, "-", span_id, sampled ? "-01" : "-00");
}

TraceContext TraceForCall(const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) {
  TraceContext trace;
  const auto range = client_metadata.equal_range(kTraceparentKey);
  if (range.first != range.second && std::next(range.first) == range.second) {
    const absl::string_view header(range.first->second.data(), range.first->second.size());
    if (std::optional<CallerTrace> caller = ParseTraceparent(header); caller.has_value()) {
      trace.trace_id = std::move(caller->trace_id);
      trace.parent_span_id = std::move(caller->parent_span_id);
      trace.sampled = caller->sampled;
    }
  }
  if (trace.trace_id.empty()) trace.trace_id = NewTraceId();
  trace.span_id = NewSpanId();
  return trace;
}

std::string EncodeCallTrace(const TraceContext& trace) {
  return absl::StrCat(trace.trace_id, "-", trace.span_id, trace.sampled ? "-01" : "-00");
}

TraceContext TraceContextOf(const grpc::ServerContextBase& context) {
  TraceContext trace;
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find(kCallTraceKey);
  if (found == metadata.end()) return trace;
  const absl::string_view value(found->second.data(), found->second.size());
  // 32 + 1 + 16 + 1 + 2, as EncodeCallTrace writes it.
  if (value.size() != 52) return trace;
  trace.trace_id = std::string(value.substr(0, 32));
  trace.span_id = std::string(value.substr(33, 16));
  trace.sampled = value.substr(50) == "01";
  return trace;
}

}  // namespace osteoflow

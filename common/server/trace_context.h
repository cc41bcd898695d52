#pragma once

#include <optional>
#include <string>

#include <grpcpp/server_context.h>

#include "absl/strings/string_view.h"

namespace osteoflow {

// W3C trace context (traceparent), without a tracing SDK: a call continues
// the caller's trace or starts one, gets a span id of its own, and passes the
// trace on to the peers it calls. The ids go into the access and audit lines,
// where a collector or mesh joins them.
inline constexpr char kTraceparentKey[] = "traceparent";

struct TraceContext {
  std::string trace_id;        // 32 lowercase hex digits, not all zero
  std::string span_id;         // 16 lowercase hex digits, this call's
  std::string parent_span_id;  // the caller's span, "" when the trace began here
  bool sampled = false;

  // The traceparent a call made on this call's behalf carries: the same
  // trace, this call's span as its parent.
  std::string TraceparentForPeers() const;
};

// The trace id and parent span a caller's traceparent carries, when it is one
// the W3C format allows (version 00 exactly; a later version's first four
// fields); nullopt otherwise.
struct CallerTrace {
  std::string trace_id;
  std::string parent_span_id;
  bool sampled = false;
};
std::optional<CallerTrace> ParseTraceparent(absl::string_view header);

// A fresh random trace id (32 hex digits) or span id (16).
std::string NewTraceId();
std::string NewSpanId();

// The context of a call served: the caller's trace continued when its one
// traceparent is valid (several are invalid), a new trace otherwise; a new
// span id in either case.
TraceContext TraceForCall(const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata);

// Where the call's interceptor leaves the call's own context for the
// handler, in the client metadata. Upper case: a key from the wire is always
// lower case, so no caller can set it.
inline constexpr char kCallTraceKey[] = "Osteoflow-Trace";
// "<trace id>-<span id>-<flags>", as the interceptor leaves it.
std::string EncodeCallTrace(const TraceContext& trace);
// The context the interceptor left for the current call; empty ids when there
// is none (a call not through a service host).
TraceContext TraceContextOf(const grpc::ServerContextBase& context);

}  // namespace osteoflow

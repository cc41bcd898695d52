#include "common/server/call_log_interceptor.h"

#include "absl/strings/ascii.h"

#include <grpcpp/support/status_code_enum.h>

#include <algorithm>
#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log/log_writer.h"
#include "common/server/request_id.h"
#include "common/server/trace_context.h"

namespace osteoflow {
namespace {

// The method as logged. For a method the server does not have, the path is
// whatever the client sent: only a path of gRPC's own alphabet is written,
// so a log line can be neither split nor made invalid by a caller.
absl::string_view LoggableMethod(const char* method) {
  const absl::string_view path(method);
  constexpr size_t kLongest = 128;
  if (path.empty() || path.size() > kLongest) return "(unrecognised)";
  for (const char c : path) {
    const bool allowed = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '/' ||
                         c == '.' || c == '_' || c == '-';
    if (!allowed) return "(unrecognised)";
  }
  return path;
}

using grpc::experimental::InterceptionHookPoints;

class CallLogInterceptor : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info, const std::string& service_label,
                     bool access_log, InFlightCalls* in_flight, const RpcMetrics* metrics)
      : info_(info),
        service_label_(service_label),
        access_log_(access_log),
        in_flight_(in_flight),
        open_ended_(InFlightCalls::IsOpenEnded(info->method())),
        started_(absl::Now()),
        counted_(metrics == nullptr ? nullptr : metrics->Find(info->method())) {
    if (!open_ended_) in_flight_->Begin();
    if (counted_ != nullptr) RpcMetrics::Started(*counted_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      TakeRequestId(methods->GetRecvInitialMetadata());
      TakeTrace(methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdKey, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finish(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

  // A call the client abandoned never sends a status; it is logged on the way out.
  ~CallLogInterceptor() override {
    Finish(grpc::StatusCode::CANCELLED);
    if (!open_ended_) in_flight_->End();
  }

 private:
  void TakeRequestId(std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    const auto range = metadata->equal_range(kRequestIdKey);
    for (auto it = range.first; it != range.second; ++it) {
      const absl::string_view value(it->second.data(), it->second.size());
      if (IsAcceptableRequestId(value)) request_id_.assign(value.data(), value.size());
    }
    if (request_id_.empty()) {
      request_id_ = NewRequestId();
      // Handlers read the id from the call's metadata (RequestIdOf). The
      // strings live in this interceptor, which lives as long as the call.
      metadata->emplace(grpc::string_ref(kRequestIdKey), grpc::string_ref(request_id_));
    }
  }

  // Handlers find the call's trace in its metadata (TraceContextOf), under a
  // key no caller can send; the string lives in this interceptor.
  void TakeTrace(std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    trace_ = TraceForCall(*metadata);
    call_trace_ = EncodeCallTrace(trace_);
    metadata->emplace(grpc::string_ref(kCallTraceKey), grpc::string_ref(call_trace_));
  }

  void Finish(grpc::StatusCode code) {
    if (finished_) return;
    finished_ = true;
    const absl::Time now = absl::Now();
    if (counted_ != nullptr) RpcMetrics::Handled(*counted_, code, now - started_);
    if (!access_log_) return;
    LogWriter::Instance().Enqueue(LogWriter::AccessEntry{
        .at = now,
        .service = absl::string_view(service_label_),
        .method = LoggableMethod(info_->method()),
        .code = static_cast<absl::StatusCode>(code),
        .latency_us = static_cast<int32_t>(
            std::min<int64_t>(absl::ToInt64Microseconds(now - started_), INT32_MAX)),
        .request_id = absl::string_view(request_id_),
        .trace_id = absl::string_view(trace_.trace_id),
        .span_id = absl::string_view(trace_.span_id),
        .parent_span_id = absl::string_view(trace_.parent_span_id)});
  }

  grpc::experimental::ServerRpcInfo* const info_;
  const std::string& service_label_;
  const bool access_log_;
  InFlightCalls* const in_flight_;
  const bool open_ended_;
  const absl::Time started_;
  const RpcMetrics::Method* const counted_;
  std::string request_id_;
  TraceContext trace_;
  std::string call_trace_;
  bool finished_ = false;
};

}  // namespace

grpc::experimental::Interceptor* CallLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallLogInterceptor(info, service_label_, access_log_, in_flight_, metrics_);
}

}  // namespace osteoflow

#pragma once

#include <string>

#include <grpcpp/support/server_interceptor.h>

#include "common/metrics/rpc_metrics.h"
#include "common/server/in_flight_calls.h"

namespace osteoflow {

// Gives every call a request id (the caller's x-request-id when acceptable,
// else a generated one), echoes it in the response's initial metadata, and
// a trace context (the caller's traceparent continued, or a new trace) with a
// span of its own; when access logging is on writes one JSON line per call:
// method, status code, latency in microseconds, request id and trace ids.
// Never the request or response. It counts the call in `metrics` (when not
// null) and keeps `in_flight` up to date for draining.
class CallLogInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallLogInterceptorFactory(std::string service_label, bool access_log, InFlightCalls* in_flight,
                            const RpcMetrics* metrics)
      : service_label_(std::move(service_label)), access_log_(access_log), in_flight_(in_flight), metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const std::string service_label_;
  const bool access_log_;
  InFlightCalls* const in_flight_;
  const RpcMetrics* const metrics_;
};

}  // namespace osteoflow

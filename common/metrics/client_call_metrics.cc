#include "common/metrics/client_call_metrics.h"

#include "absl/time/clock.h"

namespace osteoflow {
namespace {

using grpc::experimental::InterceptionHookPoints;

class ClientCallMetrics : public grpc::experimental::Interceptor {
 public:
  ClientCallMetrics(std::shared_ptr<const RpcMetrics> metrics, const char* method)
      : metrics_(std::move(metrics)), counted_(*metrics_->Find(method)), started_(absl::Now()) {
    RpcMetrics::Started(counted_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      RpcMetrics::Handled(counted_, methods->GetRecvStatus()->error_code(), absl::Now() - started_);
    }
    methods->Proceed();
  }

 private:
  // Held so that the series outlive every call made through the channel.
  const std::shared_ptr<const RpcMetrics> metrics_;
  const RpcMetrics::Method& counted_;
  const absl::Time started_;
};

}  // namespace

grpc::experimental::Interceptor* ClientCallMetricsFactory::CreateClientInterceptor(
    grpc::experimental::ClientRpcInfo* info) {
  return new ClientCallMetrics(metrics_, info->method());
}

}  // namespace osteoflow

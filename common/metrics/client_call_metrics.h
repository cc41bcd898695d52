#pragma once

#include <memory>

#include <grpcpp/support/client_interceptor.h>

#include "common/metrics/rpc_metrics.h"

namespace osteoflow {

// Counts every call made on a channel to a peer in the grpc_client_* series.
class ClientCallMetricsFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ClientCallMetricsFactory(std::shared_ptr<const RpcMetrics> metrics) : metrics_(std::move(metrics)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override;

 private:
  const std::shared_ptr<const RpcMetrics> metrics_;
};

}  // namespace osteoflow

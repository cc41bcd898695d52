#include "common/server/peer_channel.h"

#include <vector>

#include <google/protobuf/descriptor.h>
#include <grpcpp/create_channel.h>

#include "common/metrics/client_call_metrics.h"

namespace osteoflow {

std::shared_ptr<grpc::Channel> PeerChannel(const std::string& address, const TransportSecurity& security,
                                           absl::string_view peer_service, bool count_calls) {
  const google::protobuf::ServiceDescriptor* peer =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(peer_service));
  if (!count_calls || peer == nullptr) return grpc::CreateChannel(address, ChannelCredentialsFor(security));
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ClientCallMetricsFactory>(
      std::make_shared<const RpcMetrics>(RpcMetrics::Side::kClient,
                                         std::vector<const google::protobuf::ServiceDescriptor*>{peer})));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, ChannelCredentialsFor(security),
                                                                 grpc::ChannelArguments(), std::move(interceptors));
}

}  // namespace osteoflow

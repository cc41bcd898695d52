#include "common/metrics/rpc_metrics.h"

#include <google/protobuf/descriptor.h>
#include <prometheus/family.h>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics_registry.h"

namespace osteoflow {
namespace {

constexpr std::array<absl::string_view, 17> kCodeNames = {
    "OK",       "Canceled",        "Unknown",           "InvalidArgument", "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
    "Unimplemented", "Internal",   "Unavailable",       "DataLoss",        "Unauthenticated"};

// The three families of one side, registered once for the process.
struct Families {
  prometheus::Family<prometheus::Counter>* started;
  prometheus::Family<prometheus::Counter>* handled;
  prometheus::Family<prometheus::Histogram>* seconds;
};

Families MakeFamilies(absl::string_view side) {
  prometheus::Registry& registry = *MetricsRegistry();
  const std::string what = side == "server" ? "calls started on the server" : "calls started to a peer";
  return Families{
      &prometheus::BuildCounter()
           .Name(absl::StrCat("grpc_", side, "_started_total"))
           .Help(absl::StrCat("Total number of ", what, "."))
           .Register(registry),
      &prometheus::BuildCounter()
           .Name(absl::StrCat("grpc_", side, "_handled_total"))
           .Help(absl::StrCat("Total number of ", what, " that finished, by status code."))
           .Register(registry),
      &prometheus::BuildHistogram()
           .Name(absl::StrCat("grpc_", side, "_handling_seconds"))
           .Help(absl::StrCat("Seconds from start to status of ", what, "."))
           .Register(registry),
  };
}

const Families& FamiliesFor(RpcMetrics::Side side) {
  static const Families* const server = new Families(MakeFamilies("server"));
  static const Families* const client = new Families(MakeFamilies("client"));
  return side == RpcMetrics::Side::kServer ? *server : *client;
}

absl::string_view TypeOf(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming() && method.server_streaming()) return "bidi_stream";
  if (method.client_streaming()) return "client_stream";
  if (method.server_streaming()) return "server_stream";
  return "unary";
}

}  // namespace

RpcMetrics::RpcMetrics(Side side, const std::vector<const google::protobuf::ServiceDescriptor*>& services)
    : side_(side) {
  for (const google::protobuf::ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor& method = *service->method(i);
      Add(service->full_name(), method.name(), TypeOf(method));
    }
  }
  if (side == Side::kServer) {
    Add("grpc.health.v1.Health", "Check", "unary");
    Add("grpc.health.v1.Health", "Watch", "server_stream");
    Add("grpc.reflection.v1alpha.ServerReflection", "ServerReflectionInfo", "bidi_stream");
  }
  unknown_ = MakeSeries("unknown", "unknown", "unknown");
}

void RpcMetrics::Add(absl::string_view service, absl::string_view method, absl::string_view type) {
  std::string path = absl::StrCat("/", service, "/", method);
  if (methods_.contains(path)) return;
  methods_.emplace(std::move(path), MakeSeries(service, method, type));
}

std::unique_ptr<RpcMetrics::Method> RpcMetrics::MakeSeries(absl::string_view service, absl::string_view method,
                                                           absl::string_view type) {
  const Families& families = FamiliesFor(side_);
  const std::map<std::string, std::string> labels = {
      {"grpc_service", std::string(service)}, {"grpc_method", std::string(method)}, {"grpc_type", std::string(type)}};
  auto series = std::make_unique<Method>();
  series->started = &families.started->Add(labels);
  for (size_t code = 0; code < kCodeNames.size(); ++code) {
    std::map<std::string, std::string> with_code = labels;
    with_code.emplace("grpc_code", std::string(kCodeNames[code]));
    series->handled[code] = &families.handled->Add(with_code);
  }
  series->seconds = &families.seconds->Add(labels, LatencyBuckets());
  return series;
}

const RpcMetrics::Method* RpcMetrics::Find(absl::string_view path) const {
  const auto found = methods_.find(path);
  return found == methods_.end() ? unknown_.get() : found->second.get();
}

void RpcMetrics::Handled(const Method& method, grpc::StatusCode code, absl::Duration elapsed) {
  const auto index = static_cast<size_t>(code);
  // A code outside gRPC's seventeen is what gRPC itself reports as Unknown.
  constexpr auto kUnknown = static_cast<size_t>(grpc::StatusCode::UNKNOWN);
  method.handled[index < method.handled.size() ? index : kUnknown]->Increment();
  method.seconds->Observe(absl::ToDoubleSeconds(elapsed));
}

absl::string_view RpcMetrics::CodeName(grpc::StatusCode code) {
  const auto index = static_cast<size_t>(code);
  return index < kCodeNames.size() ? kCodeNames[index] : kCodeNames[static_cast<size_t>(grpc::StatusCode::UNKNOWN)];
}

}  // namespace osteoflow

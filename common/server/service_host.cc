#include "common/server/service_host.h"

#include <google/protobuf/descriptor.h>
#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>

#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/log/log_writer.h"
#include "common/metrics/info_metrics.h"
#include "common/server/call_log_interceptor.h"
#include "common/server/termination_signals.h"
#include "common/server/unary_finish.h"

namespace osteoflow {
namespace {

// How long past the drain deadline gRPC gets to end what the deadline
// cancelled before the process ends without it.
constexpr absl::Duration kShutdownGrace = absl::Milliseconds(300);

// Linking gRPC's reflection library registers its plugin with every server
// builder; this option takes it off again when reflection is switched off.
class WithoutReflection : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const auto& plugin) {
      return plugin->name() == "proto_server_reflection";
    });
  }
};

// What the health-only port answers for anything but health: it also makes
// that server a callback server, which gRPC needs before it will build one
// with no services of its own.
class HealthChecksOnly final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    class Refusal final : public grpc::ServerGenericBidiReactor {
     public:
      Refusal() { Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this port serves health checks only")); }
      void OnDone() override { delete this; }
    };
    return new Refusal;
  }
};

}  // namespace

ServiceHost::ServiceHost(std::string label, ServerSettings settings)
    : label_(std::move(label)), settings_(std::move(settings)) {
  PublishBuildInfo(label_);
}

ServiceHost::~ServiceHost() {
  for (std::unique_ptr<grpc::Server>* server : {&health_server_, &server_}) {
    if (*server == nullptr) continue;
    (*server)->Shutdown(std::chrono::system_clock::now());
    (*server)->Wait();
  }
}

void ServiceHost::AddService(UnaryService* service) {
  if (services_.empty()) service_name_ = service->name();
  services_.push_back(service);
}

absl::Status ServiceHost::Start() {
  // A method its contract declares but nobody serves, or serves without an
  // access declaration, is a build defect: refuse it before listening.
  for (const UnaryService* service : services_) {
    if (absl::Status complete = service->Completeness(); !complete.ok()) return complete;
  }
  if (!settings_.metrics_address.empty()) {
    std::vector<const google::protobuf::ServiceDescriptor*> contracts;
    for (const UnaryService* service : services_) {
      contracts.push_back(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service->name()));
    }
    std::erase(contracts, nullptr);
    call_metrics_ = std::make_unique<RpcMetrics>(RpcMetrics::Side::kServer, contracts);
    absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint = MetricsEndpoint::Start(settings_.metrics_address);
    if (!endpoint.ok()) return endpoint.status();
    metrics_ = *std::move(endpoint);
  }
  SetResponseDelay(settings_.test_response_delay);
  CallAccess::Configure(settings_.access);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  if (!settings_.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  builder.AddListeningPort(settings_.listen_address, ServerCredentialsFor(settings_.security), &port_);
  for (UnaryService* service : services_) builder.RegisterService(service);
  ApplyTransportSettings(settings_, builder);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(
      std::make_unique<CallLogInterceptorFactory>(label_, settings_.access_log, &in_flight_, call_metrics_.get()));
  builder.experimental().SetInterceptorCreators(std::move(creators));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("listen_address: cannot listen on ", settings_.listen_address));
  }
  std::unique_ptr<grpc::Server> health_server;
  if (!settings_.health_listen_address.empty()) {
    // Health only: no services, no reflection, nothing else on plaintext.
    grpc::ServerBuilder health_builder;
    health_builder.SetOption(std::make_unique<WithoutReflection>());
    health_builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    health_only_ = std::make_unique<HealthChecksOnly>();
    health_builder.RegisterCallbackGenericService(health_only_.get());
    health_builder.AddListeningPort(settings_.health_listen_address, grpc::InsecureServerCredentials(),
                                    &health_port_);
    health_server = health_builder.BuildAndStart();
    if (health_server == nullptr || health_port_ == 0) {
      server->Shutdown(std::chrono::system_clock::now());
      return absl::UnavailableError(
          absl::StrCat("health_listen_address: cannot listen on ", settings_.health_listen_address));
    }
  }
  absl::MutexLock lock(&mu_);
  server_ = std::move(server);
  health_server_ = std::move(health_server);
  SetHealth("", true);
  // A dependency reported down before the server existed keeps readiness off.
  SetHealth(service_name_, dependency_ready_);
  return absl::OkStatus();
}

void ServiceHost::SetHealth(const std::string& name, bool serving) {
  server_->GetHealthCheckService()->SetServingStatus(name, serving);
  if (health_server_ != nullptr) health_server_->GetHealthCheckService()->SetServingStatus(name, serving);
}

void ServiceHost::SetReady(bool ready) {
  absl::MutexLock lock(&mu_);
  dependency_ready_ = ready;
  if (draining_ || server_ == nullptr) return;
  SetHealth(service_name_, ready);
}

void ServiceHost::Drain() {
  {
    absl::MutexLock lock(&mu_);
    if (draining_ || server_ == nullptr) return;
    draining_ = true;
    SetHealth(service_name_, false);
  }
  const absl::Time deadline = absl::Now() + settings_.drain_timeout;
  // Shutdown refuses new calls at once and returns when every call is done or
  // the deadline has cancelled it. Health watches and reflection sessions
  // never finish by themselves, so once the real work is done what is left
  // is cancelled rather than waited for.
  absl::Notification shutting_down;
  absl::Notification shut_down;
  std::thread shutdown([this, deadline, &shutting_down, &shut_down] {
    shutting_down.Notify();
    server_->Shutdown(absl::ToChronoTime(deadline));
    server_->Wait();
    shut_down.Notify();
  });
  // Cancelling is only safe once Shutdown has begun refusing new calls; it
  // does so first thing, well within this pause.
  shutting_down.WaitForNotification();
  absl::SleepFor(absl::Milliseconds(20));
  const bool drained = in_flight_.WaitUntilIdle(deadline);
  if (drained) grpc_server_cancel_all_calls(server_->c_server());
  // A call still working past the deadline (waiting on a peer or the store)
  // would hold Shutdown until it ends; the deadline is a promise to the
  // orchestrator, so the process ends at it. What such a call was writing is
  // either committed or not, atomically; its caller sees the call fail and
  // retries with the same request_id.
  if (!shut_down.WaitForNotificationWithDeadline(deadline + kShutdownGrace)) {
    LogLine("stopped")
        .Add("service", label_)
        .Add("drained_within_deadline", false)
        .Add("calls_cut_off", static_cast<int64_t>(in_flight_.Count()))
        .Write();
    LogWriter::Instance().Flush();
    std::_Exit(0);
  }
  shutdown.join();
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
    health_server_.reset();
  }
  LogLine("stopped").Add("service", label_).Add("drained_within_deadline", drained).Write();
  LogWriter::Instance().Flush();
  server_.reset();
}

int ServiceHost::Run() {
  if (absl::Status started = Start(); !started.ok()) {
    LogLine("start_failed").Add("service", label_).Add("error", started.message()).Write();
    return started.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (settings_.test_response_delay > absl::ZeroDuration()) {
    LogLine("warning")
        .Add("service", label_)
        .Add("setting", "test_response_delay")
        .Add("message", "every response is held back; for tests only")
        .Write();
  }
  const std::string host =
      settings_.listen_address.substr(0, settings_.listen_address.rfind(':'));
  LogLine("serving")
      .Add("service", label_)
      .Add("grpc_service", service_name_)
      .Add("address", absl::StrCat(host, ":", port_))
      .Add("port", port_)
      .Add("reflection", settings_.reflection)
      .Add("tls", !settings_.security.plaintext)
      .Add("client_certificates", settings_.security.plaintext                       ? "none"
                                  : settings_.security.require_client_certificate ? "required"
                                                                                  : "optional")
      .Add("health_port", health_port_)
      .Add("metrics_port", metrics_port())
      .Add("auth", settings_.access.enabled ? "jwt" : "off")
      .Write();
  const int signal_number = WaitForTerminationSignal();
  LogLine("draining").Add("service", label_).Add("signal", signal_number).Write();
  Drain();
  return 0;
}

}  // namespace osteoflow

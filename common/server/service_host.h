#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/metrics_endpoint.h"
#include "common/metrics/rpc_metrics.h"
#include "common/server/in_flight_calls.h"
#include "common/server/server_settings.h"
#include "common/server/unary_service.h"

namespace osteoflow {

// The one way a service runs: builds the gRPC server with the shared settings,
// health (liveness on "", readiness on the full service name), reflection,
// keepalive, a bounded receive size and the call interceptor; then serves until
// SIGTERM or SIGINT and drains.
class ServiceHost {
 public:
  // `label` is a short name for logs ("catalog").
  ServiceHost(std::string label, ServerSettings settings);
  ~ServiceHost();

  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Registers a service; it must outlive the host. Call before Start.
  // Readiness is reported under the first service's full name, for example
  // "osteoflow.catalog.v1.CatalogService".
  void AddService(UnaryService* service);

  // Binds and starts serving; liveness and readiness become SERVING.
  // INVALID_ARGUMENT when a service is incomplete (a method of its contract
  // without a use case or an access declaration); UNAVAILABLE when the
  // address cannot be bound.
  absl::Status Start();

  // The bound port (useful with port 0). Valid after Start.
  int port() const { return port_; }
  // The health-only plaintext port, 0 when there is none.
  int health_port() const { return health_port_; }
  // The metrics port, 0 when there is none.
  int metrics_port() const { return metrics_ == nullptr ? 0 : metrics_->port(); }
  const std::string& listen_address() const { return settings_.listen_address; }

  // Readiness for a dependency the service cannot work without. May be called
  // before Start (readiness then starts as given); ignored once draining has
  // begun.
  void SetReady(bool ready);

  // Readiness off; new calls refused; in-flight calls get until the drain
  // deadline (then are cancelled); open health watches and reflection
  // sessions end as soon as the real work is done.
  void Drain();

  // Start, log "serving", wait for SIGTERM/SIGINT, drain. Returns the exit
  // code (0 after a clean drain, 1 when the server could not start, 2 when
  // a service is incomplete).
  // BlockTerminationSignals must have been called first.
  int Run();

 private:
  std::string service_name_;
  const std::string label_;
  const ServerSettings settings_;
  std::vector<UnaryService*> services_;
  // Sets a health status on the server and on the health-only server.
  void SetHealth(const std::string& name, bool serving) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::unique_ptr<grpc::Server> server_;  // set under mu_ once started
  std::unique_ptr<grpc::CallbackGenericService> health_only_;  // outlives health_server_
  std::unique_ptr<grpc::Server> health_server_;  // set under mu_ once started, if asked for
  int port_ = 0;
  int health_port_ = 0;
  // Set by Start when metrics are on; the series outlive the server's calls.
  std::unique_ptr<RpcMetrics> call_metrics_;
  std::unique_ptr<MetricsEndpoint> metrics_;
  InFlightCalls in_flight_;

  absl::Mutex mu_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool dependency_ready_ ABSL_GUARDED_BY(mu_) = true;
};

}  // namespace osteoflow

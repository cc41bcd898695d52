#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
}

namespace osteoflow {

// The HTTP endpoint that answers GET /metrics with the process registry in
// Prometheus' text format. Plain HTTP on a port of its own: never the gRPC
// port, never behind client certificates, and nothing it shows names a
// person.
class MetricsEndpoint {
 public:
  // UNAVAILABLE naming metrics_address when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& address);
  ~MetricsEndpoint();

  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port);
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace osteoflow

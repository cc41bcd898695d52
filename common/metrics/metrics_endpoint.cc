#include "common/metrics/metrics_endpoint.h"

#include <exception>
#include <vector>

#include <prometheus/exposer.h>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics_registry.h"

namespace osteoflow {

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port)
    : exposer_(std::move(exposer)), port_(port) {}

MetricsEndpoint::~MetricsEndpoint() = default;

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(const std::string& address) {
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // Two threads: a scrape is rare and short, and a second one lets a slow
    // scraper not hold up another.
    exposer = std::make_unique<prometheus::Exposer>(address, 2);
  } catch (const std::exception&) {
    // The web server throws when it cannot listen; its message names no cause.
    return absl::UnavailableError(absl::StrCat("metrics_address: cannot listen on ", address));
  }
  const std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty() || ports.front() <= 0) {
    return absl::UnavailableError(absl::StrCat("metrics_address: cannot listen on ", address));
  }
  exposer->RegisterCollectable(MetricsRegistry());
  const int port = ports.front();
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(std::move(exposer), port));
}

}  // namespace osteoflow

#include "common/metrics/info_metrics.h"

#include <string>

#include <prometheus/family.h>
#include <prometheus/gauge.h>

#include "common/metrics/metrics_registry.h"

namespace osteoflow {

void PublishBuildInfo(absl::string_view service) {
  prometheus::BuildGauge()
      .Name("osteoflow_build_info")
      .Help("Always 1; the labels name the service and the build's version.")
      .Register(*MetricsRegistry())
      .Add({{"service", std::string(service)}, {"version", OSTEOFLOW_VERSION}})
      .Set(1);
}

void PublishDataVersion(absl::string_view data, absl::string_view version, absl::string_view digest) {
  prometheus::BuildGauge()
      .Name("osteoflow_data_version_info")
      .Help("Always 1; the labels name reviewed data the service loaded, its version and content digest.")
      .Register(*MetricsRegistry())
      .Add({{"data", std::string(data)}, {"version", std::string(version)}, {"digest", std::string(digest)}})
      .Set(1);
}

}  // namespace osteoflow

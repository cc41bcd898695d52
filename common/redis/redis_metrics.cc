#include "common/redis/redis_metrics.h"

#include <map>
#include <string>

#include <prometheus/family.h>

#include "common/metrics/metrics_registry.h"

namespace osteoflow {
namespace {

struct Families {
  prometheus::Family<prometheus::Histogram>& command_seconds;
  prometheus::Family<prometheus::Counter>& errors;
  prometheus::Family<prometheus::Counter>& waits;
  prometheus::Family<prometheus::Gauge>& connections;
  prometheus::Family<prometheus::Gauge>& max_connections;
};

const Families& RedisFamilies() {
  static const Families* const families = [] {
    prometheus::Registry& registry = *MetricsRegistry();
    return new Families{
        prometheus::BuildHistogram()
            .Name("osteoflow_redis_command_seconds")
            .Help("Seconds from sending a Redis command (or pipeline, or script) to its last reply.")
            .Register(registry),
        prometheus::BuildCounter()
            .Name("osteoflow_redis_errors_total")
            .Help("Redis commands that timed out, found Redis unavailable, or were refused with an error reply.")
            .Register(registry),
        prometheus::BuildCounter()
            .Name("osteoflow_redis_pool_waits_total")
            .Help("Commands that had to wait for a pool connection to come free.")
            .Register(registry),
        prometheus::BuildGauge()
            .Name("osteoflow_redis_pool_connections")
            .Help("Connections of the Redis pool, in use or idle.")
            .Register(registry),
        prometheus::BuildGauge()
            .Name("osteoflow_redis_pool_max_connections")
            .Help("The most connections the Redis pool opens.")
            .Register(registry),
    };
  }();
  return *families;
}

std::map<std::string, std::string> With(absl::string_view role, const char* name = nullptr,
                                        const char* value = nullptr) {
  std::map<std::string, std::string> labels{{"role", std::string(role)}};
  if (name != nullptr) labels.emplace(name, value);
  return labels;
}

}  // namespace

RedisMetrics::RedisMetrics(absl::string_view role, int max_connections)
    : command_seconds_(RedisFamilies().command_seconds.Add(With(role), LatencyBuckets())),
      timeouts_(RedisFamilies().errors.Add(With(role, "kind", "timeout"))),
      unavailable_(RedisFamilies().errors.Add(With(role, "kind", "unavailable"))),
      refused_(RedisFamilies().errors.Add(With(role, "kind", "refused"))),
      waits_(RedisFamilies().waits.Add(With(role))),
      in_use_(RedisFamilies().connections.Add(With(role, "state", "in_use"))),
      idle_(RedisFamilies().connections.Add(With(role, "state", "idle"))) {
  RedisFamilies().max_connections.Add(With(role)).Set(max_connections);
}

void RedisMetrics::Error(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTimeout:
      timeouts_.Increment();
      return;
    case ErrorKind::kUnavailable:
      unavailable_.Increment();
      return;
    case ErrorKind::kRefused:
      refused_.Increment();
      return;
  }
}

void RedisMetrics::Connections(int open, int idle) {
  in_use_.Set(open - idle);
  idle_.Set(idle);
}

}  // namespace osteoflow

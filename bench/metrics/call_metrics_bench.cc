// What counting a call costs on its own path, in process: finding the
// method's series, counting it started, and counting it handled with its
// latency, as the server interceptor does for every call when metrics are
// on; alone and from 8 threads at once (contention on the same series).
// Compared with the CPU a whole call costs the service (tens of
// microseconds), it bounds what metrics take from throughput more tightly
// than a load run on a shared machine can.
#include <benchmark/benchmark.h>

#include "absl/time/time.h"
#include "common/metrics/rpc_metrics.h"
#include "common/server/trace_context.h"
#include "osteoflow/catalog/v1/catalog_service.pb.h"

namespace {

const osteoflow::RpcMetrics& CatalogSeries() {
  static const auto* const metrics = new osteoflow::RpcMetrics(
      osteoflow::RpcMetrics::Side::kServer,
      {osteoflow::catalog::v1::GetExerciseRequest::descriptor()->file()->FindServiceByName("CatalogService")});
  return *metrics;
}

void BM_CallCounted(benchmark::State& state) {
  const osteoflow::RpcMetrics& metrics = CatalogSeries();
  for (auto _ : state) {
    const osteoflow::RpcMetrics::Method* method = metrics.Find("/osteoflow.catalog.v1.CatalogService/GetExercise");
    osteoflow::RpcMetrics::Started(*method);
    osteoflow::RpcMetrics::Handled(*method, grpc::StatusCode::OK, absl::Microseconds(120));
  }
}
BENCHMARK(BM_CallCounted)->Threads(1)->Threads(8)->UseRealTime();

// Not part of what metrics cost (every call has a trace, metrics or not),
// for scale: the trace context a call gets without a traceparent.
void BM_TraceStarted(benchmark::State& state) {
  const std::multimap<grpc::string_ref, grpc::string_ref> metadata;
  for (auto _ : state) {
    osteoflow::TraceContext trace = osteoflow::TraceForCall(metadata);
    benchmark::DoNotOptimize(trace);
  }
}
BENCHMARK(BM_TraceStarted);

}  // namespace

BENCHMARK_MAIN();

// What the routing layer decides per call, in process (Google Benchmark):
// the keys of a call, their one slot, and whether it may write, for the
// store's session-log commit (EVALSHA with four keys of one patient) and a
// cached plan read (GET).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "common/redis/redis_command_keys.h"

namespace {

void BM_CommitScriptCall(benchmark::State& state) {
  const std::string program = "osteoflow:v1:{patient-7f3a9c}:program:0123456789abcdef";
  const std::vector<std::vector<std::string>> call = {
      {"EVALSHA", "4f1c2e0d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2", "4", program, program + ":plan",
       program + ":session:fedcba9876543210", program + ":sessions", "sha", "", "", "log bytes", "fedcba9876543210",
       "1764547200000000", ""}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(osteoflow::PipelineSlot(call));
    benchmark::DoNotOptimize(osteoflow::MayWrite(call));
  }
}
BENCHMARK(BM_CommitScriptCall);

void BM_CachedPlanRead(benchmark::State& state) {
  const std::vector<std::vector<std::string>> call = {
      {"GET", "osteoflow:v1:plan:{9c0ffee0123456789abcdef0123456789abcdef0123456789abcdef01234567}"}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(osteoflow::PipelineSlot(call));
    benchmark::DoNotOptimize(osteoflow::MayWrite(call));
  }
}
BENCHMARK(BM_CachedPlanRead);

}  // namespace

BENCHMARK_MAIN();

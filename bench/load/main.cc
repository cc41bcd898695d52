// osteoflow-load: closed-loop load on one unary method, measured against the
// echo baseline in the same run.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/load/closed_loop.h"
#include "bench/load/echo_request.h"
#include "bench/load/load_settings.h"
#include "bench/load/redis_write_loop.h"
#include "bench/load/report.h"
#include "bench/load/results_json.h"
#include "bench/load/round_stats.h"
#include "common/config/settings.h"
#include "tools/rpc/byte_buffer.h"
#include "tools/rpc/channel.h"
#include "tools/rpc/json_message.h"
#include "tools/rpc/method_lookup.h"
#include "tools/rpc/unary_call.h"

namespace {

constexpr char kUsage[] =
    "osteoflow-load: closed-loop load on one unary method, interleaved with an\n"
    "osteoflow-echo baseline whose response is the same size.\n"
    "  osteoflow-load --target=127.0.0.1:PORT --baseline_target=127.0.0.1:ECHO_PORT \\\n"
    "    --method=osteoflow.catalog.v1.CatalogService/GetExercise \\\n"
    "    --request_json='{\"name\":\"exercises/ID\"}' --concurrency=1,8\n"
    "With --baseline_redis=HOST:PORT instead of --baseline_target, the baseline is\n"
    "a bare Redis SET (or, with --redis_command=get, GET) of a value as large as\n"
    "the target's response. With --baseline_unique_field=N the baseline is the\n"
    "target itself with string field N fresh on every call: cache misses.\n"
    "Exit codes: 0 done, 1 a server failed a call, 2 bad settings.";

constexpr char kEchoPath[] = "/osteoflow.bench.v1.EchoService/Echo";

using osteoflow::bench::Figures;
using osteoflow::bench::LoadTarget;

LoadTarget MakeTarget(const std::string& name, const std::string& address, const std::string& path,
                      const std::string& request, int channels) {
  LoadTarget target;
  target.name = name;
  target.path = path;
  target.request = osteoflow::tools::ToByteBuffer(request);
  for (int i = 0; i < channels; ++i) {
    // Channels are made once; each its own connection so that more channels
    // really mean more connections.
    target.stubs.push_back(std::make_unique<grpc::GenericStub>(
        osteoflow::tools::MakeChannel(address, {.own_connection = true})));
  }
  return target;
}

// One call that must succeed: it connects the channel and tells the size of
// the response. Exits 1 with the server's error otherwise, unless refusals
// are expected (then the error is reported and the size is 0).
size_t ProbeResponseSize(LoadTarget& target, const std::string& request, absl::Duration deadline,
                         bool refusals_expected = false) {
  osteoflow::tools::CallOptions options;
  options.deadline = deadline;
  options.wait_for_ready = true;
  const auto result =
      osteoflow::tools::CallUnary(*target.stubs.front(), target.path, request, options);
  if (!result.status.ok()) {
    std::fprintf(stderr, "%s: %s %s: %s: %s\n", refusals_expected ? "refused, as expected" : "error",
                 target.name.c_str(), target.path.c_str(),
                 osteoflow::tools::CodeName(result.status.error_code()).c_str(),
                 result.status.error_message().c_str());
    if (!refusals_expected) std::exit(1);
  }
  // Every channel connects before timing starts.
  for (auto& stub : target.stubs) osteoflow::tools::CallUnary(*stub, target.path, request, options);
  return result.response.size();
}

osteoflow::bench::RoundSample Run(LoadTarget& target, int concurrency, absl::Duration duration,
                                  const osteoflow::bench::LoadSettings& settings) {
  return osteoflow::bench::RunClosedLoop(target, concurrency, duration, settings.deadline);
}

}  // namespace

int main(int argc, char** argv) {
  osteoflow::LoadSettings(argc, argv, kUsage);
  const osteoflow::bench::LoadSettings settings = osteoflow::bench::LoadSettingsFromFlags();
  const auto method = osteoflow::tools::FindUnaryMethod(settings.method);
  if (!method.ok()) osteoflow::ExitInvalidSetting("method", method.status().message());
  const auto request =
      osteoflow::tools::JsonToWire(*method->descriptor->input_type(), settings.request_json);
  if (!request.ok()) {
    osteoflow::ExitInvalidSetting(settings.request_setting, request.status().message());
  }
  const std::string label =
      settings.label.empty() ? std::string(method->descriptor->name()) : settings.label;

  LoadTarget target =
      MakeTarget("target", settings.target, method->path, *request, settings.channels);
  const size_t target_bytes = ProbeResponseSize(target, *request, settings.deadline, settings.refusals_expected);
  if (settings.unique_field > 0) {
    target.unique_field = settings.unique_field;
    // Fresh per run, so that a rerun against the same store writes anew.
    target.unique_prefix = absl::StrCat("load-", absl::ToUnixMicros(absl::Now()));
  }

  // The baseline: the echo (a bare gRPC call) or a bare Redis write.
  std::string baseline_name;
  std::string baseline_where;
  size_t baseline_bytes = 0;
  std::function<osteoflow::bench::RoundSample(int, absl::Duration)> run_baseline;
  LoadTarget echo;
  if (!settings.baseline_target.empty()) {
    const std::string echo_request = osteoflow::bench::EchoRequestOfSize(
        settings.echo_request_size ? request->size() : target_bytes);
    echo = MakeTarget("echo", settings.baseline_target, kEchoPath, echo_request, settings.channels);
    baseline_bytes = ProbeResponseSize(echo, echo_request, settings.deadline);
    baseline_name = "echo";
    baseline_where = absl::StrCat(kEchoPath, " on ", settings.baseline_target);
    run_baseline = [&](int concurrency, absl::Duration duration) {
      return Run(echo, concurrency, duration, settings);
    };
  } else if (!settings.baseline_redis.empty()) {
    const bool get = settings.redis_command == "get";
    baseline_bytes = target_bytes;
    baseline_name = get ? "redis-get" : "redis-set";
    baseline_where = absl::StrCat(get ? "GET" : "SET", " of ", target_bytes, " bytes on ",
                                  settings.baseline_redis);
    run_baseline = [&settings, get, target_bytes](int concurrency, absl::Duration duration) {
      return osteoflow::bench::RunRedisLoop(
          settings.baseline_redis,
          get ? osteoflow::bench::RedisBaseline::kGet : osteoflow::bench::RedisBaseline::kSet,
          concurrency, duration, target_bytes, settings.deadline);
    };
  } else if (!settings.baseline_twin.empty()) {
    echo = MakeTarget("twin", settings.baseline_twin, method->path, *request, settings.channels);
    if (settings.unique_field > 0) {
      echo.unique_field = settings.unique_field;
      echo.unique_prefix = absl::StrCat("twin-", absl::ToUnixMicros(absl::Now()));
    }
    baseline_bytes = ProbeResponseSize(echo, *request, settings.deadline);
    baseline_name = "twin";
    baseline_where = absl::StrCat("the same method and request on ", settings.baseline_twin);
    run_baseline = [&](int concurrency, absl::Duration duration) {
      return Run(echo, concurrency, duration, settings);
    };
  } else if (!settings.baseline_request_json.empty()) {
    const auto other = osteoflow::tools::JsonToWire(*method->descriptor->input_type(), settings.baseline_request_json);
    if (!other.ok()) osteoflow::ExitInvalidSetting("baseline_request_json", other.status().message());
    echo = MakeTarget("other", settings.target, method->path, *other, settings.channels);
    if (settings.unique_field > 0) {
      echo.unique_field = settings.unique_field;
      echo.unique_prefix = absl::StrCat("other-", absl::ToUnixMicros(absl::Now()));
    }
    baseline_bytes = ProbeResponseSize(echo, *other, settings.deadline);
    baseline_name = "other";
    baseline_where = "the same method with the baseline request";
    run_baseline = [&](int concurrency, absl::Duration duration) {
      return Run(echo, concurrency, duration, settings);
    };
  } else if (settings.baseline_unique_field > 0) {
    echo = MakeTarget("fresh", settings.target, method->path, *request, settings.channels);
    echo.unique_field = settings.baseline_unique_field;
    echo.unique_prefix = absl::StrCat("fresh-", absl::ToUnixMicros(absl::Now()));
    baseline_bytes = ProbeResponseSize(echo, *request, settings.deadline);
    baseline_name = "fresh";
    baseline_where = absl::StrCat("the same method with field ", settings.baseline_unique_field,
                                  " fresh on every call");
    run_baseline = [&](int concurrency, absl::Duration duration) {
      return Run(echo, concurrency, duration, settings);
    };
  }
  const bool with_baseline = static_cast<bool>(run_baseline);

  std::printf("%s: %s on %s, request %zu bytes, response %zu bytes; baseline %s\n", label.c_str(),
              method->path.c_str(), settings.target.c_str(), request->size(), target_bytes,
              with_baseline ? baseline_where.c_str() : "none");

  std::vector<osteoflow::bench::ScenarioResult> results;
  bool any_errors = false;
  for (const int concurrency : settings.concurrency) {
    std::printf("\n-- %s, concurrency %d\n", label.c_str(), concurrency);
    if (settings.warmup > absl::ZeroDuration()) {
      Run(target, concurrency, settings.warmup, settings);
      if (with_baseline) run_baseline(concurrency, settings.warmup);
    }
    osteoflow::bench::ScenarioResult result;
    result.label = label;
    result.method = method->path;
    result.concurrency = concurrency;
    result.round_duration = settings.duration;
    result.target_response_bytes = target_bytes;
    result.baseline_name = baseline_name;
    result.baseline_response_bytes = baseline_bytes;
    std::vector<double> ratios;
    osteoflow::bench::CpuPerCall cpu(settings.cpu_of);
    // A, B, A, B ...: both servers see the same drift of a noisy machine.
    for (int round = 1; round <= settings.rounds; ++round) {
      cpu.BeforeRound();
      const auto sample = Run(target, concurrency, settings.duration, settings);
      const Figures figures = osteoflow::bench::FiguresOf(sample);
      cpu.AfterRound(figures.calls);
      if (result.target_first_error.empty()) result.target_first_error = sample.first_error;
      result.target_rounds.push_back(figures);
      osteoflow::bench::PrintRound("target", round, figures);
      if (!with_baseline) continue;
      const auto baseline_sample = run_baseline(concurrency, settings.duration);
      const Figures baseline_figures = osteoflow::bench::FiguresOf(baseline_sample);
      if (result.baseline_first_error.empty()) result.baseline_first_error = baseline_sample.first_error;
      result.baseline_rounds.push_back(baseline_figures);
      osteoflow::bench::PrintRound(baseline_name, round, baseline_figures);
      ratios.push_back(baseline_figures.qps > 0 ? figures.qps / baseline_figures.qps : 0);
    }
    result.target = osteoflow::bench::MedianOf(result.target_rounds);
    for (const auto& share : cpu.Shares()) result.cpu_us_per_call.emplace_back(share.name, share.us_per_call);
    if (with_baseline) {
      result.baseline = osteoflow::bench::MedianOf(result.baseline_rounds);
      result.qps_ratio = osteoflow::bench::Median(ratios);
    }
    any_errors = any_errors || result.target.errors > 0 || result.baseline.errors > 0;
    osteoflow::bench::PrintScenario(result);
    results.push_back(std::move(result));
  }

  osteoflow::bench::PrintMarkdownTable(results);
  if (!settings.json_out.empty()) {
    if (absl::Status written = osteoflow::bench::WriteResultsJson(settings.json_out, results);
        !written.ok()) {
      std::fprintf(stderr, "error: %s\n", std::string(written.message()).c_str());
      return 1;
    }
  }
  return any_errors ? 1 : 0;
}

#include "bench/load/load_settings.h"

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/config/settings.h"
#include "tools/rpc/request_source.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "address of the server under test");
ABSL_FLAG(std::string, method, "",
          "full method name, e.g. osteoflow.catalog.v1.CatalogService/GetExercise");
ABSL_FLAG(std::string, request_json, "", "the request as JSON; default {}");
ABSL_FLAG(std::string, request_file, "", "a file holding the request JSON; - for stdin");
ABSL_FLAG(std::vector<std::string>, concurrency, std::vector<std::string>({"1", "8"}),
          "calls in flight, one scenario per value (comma list)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(3), "length of each round");
ABSL_FLAG(int, rounds, 3, "rounds per server and scenario, interleaved (at least 3)");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1),
          "untimed load on each server before a scenario's rounds");
ABSL_FLAG(std::string, baseline_target, "",
          "address of an osteoflow-echo server; empty skips the baseline and the ratio");
ABSL_FLAG(std::string, echo_size, "response",
          "what the echo's message size matches: the target's \"response\" or its \"request\"");
ABSL_FLAG(std::string, baseline_redis, "",
          "host:port of a Redis: the baseline is then SET of a value as large as the target's "
          "response, with that server's durability, instead of the echo");
ABSL_FLAG(std::string, redis_command, "set",
          "with baseline_redis: \"set\" writes a fresh key per call, \"get\" reads one key "
          "holding a value as large as the target's response");
ABSL_FLAG(int, baseline_unique_field, 0,
          "field number of a top-level string field: the baseline is then the target itself, "
          "with that field fresh on every call (for a cache: misses against hits)");
ABSL_FLAG(std::string, baseline_twin, "",
          "address of a second server of the target's service: the baseline is then the same method and "
          "request there (unique_field applies to it too), to compare two settings or builds");
ABSL_FLAG(std::string, baseline_request_json, "",
          "a second request as JSON: the baseline is then the target and method with it (unique_field "
          "applies to it too), to compare two kinds of the same call");
ABSL_FLAG(int, unique_field, 0,
          "field number of a top-level string field (an idempotency key such as request_id) "
          "given a fresh value on every call; 0 sends the request unchanged");
ABSL_FLAG(bool, refusals_expected, false,
          "the target may answer with an error (a soak of requests it refuses); timing goes on");
ABSL_FLAG(int, channels, 1, "channels (connections) per server; calls spread over them");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5), "deadline of each call");
ABSL_FLAG(std::string, label, "", "scenario name in reports; default the method's name");
ABSL_FLAG(std::string, json_out, "", "also write the results to this JSON file");
ABSL_FLAG(std::string, cpu_of, "",
          "name=pid,...: server processes (on this machine) whose CPU time per target call is reported");

namespace osteoflow::bench {
namespace {

constexpr int kMaxConcurrency = 4096;
constexpr int kMaxChannels = 64;

void RequirePositive(absl::string_view name, absl::Duration value) {
  if (value <= absl::ZeroDuration()) ExitInvalidSetting(name, "must be positive");
}

}  // namespace

LoadSettings LoadSettingsFromFlags() {
  LoadSettings settings;
  settings.target = absl::GetFlag(FLAGS_target);
  if (settings.target.empty()) ExitInvalidSetting("target", "required");
  settings.method = absl::GetFlag(FLAGS_method);
  if (settings.method.empty()) ExitInvalidSetting("method", "required");
  settings.request_json = ValueOrExit(
      tools::ReadRequestJson(absl::GetFlag(FLAGS_request_json), absl::GetFlag(FLAGS_request_file)));
  settings.request_setting =
      absl::GetFlag(FLAGS_request_file).empty() ? "request_json" : "request_file";

  for (const std::string& item : absl::GetFlag(FLAGS_concurrency)) {
    int value = 0;
    if (!absl::SimpleAtoi(item, &value) || value < 1 || value > kMaxConcurrency) {
      ExitInvalidSetting("concurrency",
                         absl::StrCat("'", item, "' is not a whole number 1..", kMaxConcurrency));
    }
    settings.concurrency.push_back(value);
  }
  if (settings.concurrency.empty()) ExitInvalidSetting("concurrency", "required");

  settings.duration = absl::GetFlag(FLAGS_duration);
  RequirePositive("duration", settings.duration);
  settings.rounds = absl::GetFlag(FLAGS_rounds);
  if (settings.rounds < 3) ExitInvalidSetting("rounds", "must be at least 3");
  settings.warmup = absl::GetFlag(FLAGS_warmup);
  if (settings.warmup < absl::ZeroDuration()) ExitInvalidSetting("warmup", "must not be negative");
  settings.baseline_target = absl::GetFlag(FLAGS_baseline_target);
  const std::string echo_size = absl::GetFlag(FLAGS_echo_size);
  if (echo_size != "response" && echo_size != "request") {
    ExitInvalidSetting("echo_size", "must be response or request");
  }
  settings.echo_request_size = echo_size == "request";
  settings.baseline_redis = absl::GetFlag(FLAGS_baseline_redis);
  if (!settings.baseline_redis.empty() && !settings.baseline_target.empty()) {
    ExitInvalidSetting("baseline_redis", "give baseline_target or baseline_redis, not both");
  }
  settings.redis_command = absl::GetFlag(FLAGS_redis_command);
  if (settings.redis_command != "set" && settings.redis_command != "get") {
    ExitInvalidSetting("redis_command", "must be set or get");
  }
  settings.baseline_unique_field = absl::GetFlag(FLAGS_baseline_unique_field);
  if (settings.baseline_unique_field < 0 || settings.baseline_unique_field > 536870911) {
    ExitInvalidSetting("baseline_unique_field", "must be a field number (0 = none)");
  }
  if (settings.baseline_unique_field > 0 &&
      (!settings.baseline_redis.empty() || !settings.baseline_target.empty())) {
    ExitInvalidSetting("baseline_unique_field", "give one baseline only");
  }
  settings.baseline_twin = absl::GetFlag(FLAGS_baseline_twin);
  if (!settings.baseline_twin.empty() &&
      (!settings.baseline_redis.empty() || !settings.baseline_target.empty() || settings.baseline_unique_field > 0)) {
    ExitInvalidSetting("baseline_twin", "give one baseline only");
  }
  settings.baseline_request_json = absl::GetFlag(FLAGS_baseline_request_json);
  if (!settings.baseline_request_json.empty() &&
      (!settings.baseline_redis.empty() || !settings.baseline_target.empty() || settings.baseline_unique_field > 0 ||
       !settings.baseline_twin.empty())) {
    ExitInvalidSetting("baseline_request_json", "give one baseline only");
  }
  settings.unique_field = absl::GetFlag(FLAGS_unique_field);
  if (settings.unique_field < 0 || settings.unique_field > 536870911) {
    ExitInvalidSetting("unique_field", "must be a field number (0 = none)");
  }
  settings.channels = absl::GetFlag(FLAGS_channels);
  if (settings.channels < 1 || settings.channels > kMaxChannels) {
    ExitInvalidSetting("channels", absl::StrCat("must be 1..", kMaxChannels));
  }
  settings.deadline = absl::GetFlag(FLAGS_deadline);
  RequirePositive("deadline", settings.deadline);
  settings.label = absl::GetFlag(FLAGS_label);
  settings.refusals_expected = absl::GetFlag(FLAGS_refusals_expected);
  settings.json_out = absl::GetFlag(FLAGS_json_out);
  absl::StatusOr<std::vector<WatchedProcess>> watched = ParseWatchedProcesses(absl::GetFlag(FLAGS_cpu_of));
  if (!watched.ok()) ExitInvalidSetting("cpu_of", watched.status().message().substr(8));
  settings.cpu_of = *std::move(watched);
  return settings;
}

}  // namespace osteoflow::bench

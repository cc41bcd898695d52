#include "bench/load/results_json.h"

#include <fstream>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "osteoflow/bench/v1/load_results.pb.h"

namespace osteoflow::bench {
namespace {

void FillFigures(const Figures& f, v1::LoadFigures* out) {
  out->set_calls(f.calls);
  out->set_qps(f.qps);
  out->set_p50_us(f.p50_us);
  out->set_p90_us(f.p90_us);
  out->set_p99_us(f.p99_us);
  out->set_p999_us(f.p999_us);
  out->set_errors(f.errors);
}

void FillScenario(const ScenarioResult& r, v1::LoadScenario* out) {
  out->set_label(r.label);
  out->set_method(r.method);
  out->set_concurrency(r.concurrency);
  out->set_round_seconds(absl::ToDoubleSeconds(r.round_duration));
  out->set_target_response_bytes(static_cast<int64_t>(r.target_response_bytes));
  FillFigures(r.target, out->mutable_target());
  for (const Figures& f : r.target_rounds) FillFigures(f, out->add_target_rounds());
  out->set_target_first_error(r.target_first_error);
  for (const auto& [name, us] : r.cpu_us_per_call) {
    v1::ProcessCpu* cpu = out->add_target_cpu();
    cpu->set_name(name);
    cpu->set_us_per_call(us);
  }
  if (!r.has_baseline()) return;
  out->set_baseline(r.baseline_name);
  out->set_baseline_response_bytes(static_cast<int64_t>(r.baseline_response_bytes));
  FillFigures(r.baseline, out->mutable_baseline_figures());
  for (const Figures& f : r.baseline_rounds) FillFigures(f, out->add_baseline_rounds());
  out->set_qps_ratio(r.qps_ratio);
  out->set_baseline_first_error(r.baseline_first_error);
}

}  // namespace

std::string ResultsJson(const std::vector<ScenarioResult>& results) {
  v1::LoadResults message;
  for (const ScenarioResult& r : results) FillScenario(r, message.add_scenarios());
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a message of a compiled-in type cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

absl::Status WriteResultsJson(const std::string& path, const std::vector<ScenarioResult>& results) {
  std::ofstream file(path, std::ios::trunc);
  if (!(file << ResultsJson(results)) || !file.flush()) {
    return absl::UnavailableError(absl::StrCat("json_out: cannot write ", path));
  }
  return absl::OkStatus();
}

}  // namespace osteoflow::bench

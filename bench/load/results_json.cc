#include "bench/load/results_json.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace osteoflow::bench {
namespace {

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string FiguresJson(const Figures& f) {
  return absl::StrFormat(
      "{\"calls\": %d, \"qps\": %.1f, \"p50_us\": %.1f, \"p90_us\": %.1f, \"p99_us\": %.1f, "
      "\"p999_us\": %.1f, \"errors\": %d}",
      f.calls, f.qps, f.p50_us, f.p90_us, f.p99_us, f.p999_us, f.errors);
}

std::string RoundsJson(const std::vector<Figures>& rounds) {
  std::vector<std::string> items;
  for (const Figures& f : rounds) items.push_back(absl::StrCat("\n        ", FiguresJson(f)));
  return absl::StrCat("[", absl::StrJoin(items, ","), "]");
}

std::string ScenarioJson(const ScenarioResult& r) {
  std::vector<std::string> fields = {
      absl::StrCat("\"label\": ", Quoted(r.label)),
      absl::StrCat("\"method\": ", Quoted(r.method)),
      absl::StrCat("\"concurrency\": ", r.concurrency),
      absl::StrFormat("\"round_seconds\": %.3f", absl::ToDoubleSeconds(r.round_duration)),
      absl::StrCat("\"target_response_bytes\": ", r.target_response_bytes),
      absl::StrCat("\"target\": ", FiguresJson(r.target)),
      absl::StrCat("\"target_rounds\": ", RoundsJson(r.target_rounds)),
  };
  if (!r.target_first_error.empty()) {
    fields.push_back(absl::StrCat("\"target_first_error\": ", Quoted(r.target_first_error)));
  }
  if (r.has_baseline()) {
    fields.push_back(absl::StrCat("\"echo_response_bytes\": ", r.echo_response_bytes));
    fields.push_back(absl::StrCat("\"echo\": ", FiguresJson(r.echo)));
    fields.push_back(absl::StrCat("\"echo_rounds\": ", RoundsJson(r.echo_rounds)));
    fields.push_back(absl::StrFormat("\"qps_ratio\": %.4f", r.qps_ratio));
    if (!r.echo_first_error.empty()) {
      fields.push_back(absl::StrCat("\"echo_first_error\": ", Quoted(r.echo_first_error)));
    }
  }
  return absl::StrCat("    {\n      ", absl::StrJoin(fields, ",\n      "), "\n    }");
}

}  // namespace

std::string ResultsJson(const std::vector<ScenarioResult>& results) {
  std::vector<std::string> scenarios;
  for (const ScenarioResult& r : results) scenarios.push_back(ScenarioJson(r));
  return absl::StrCat("{\n  \"scenarios\": [\n", absl::StrJoin(scenarios, ",\n"), "\n  ]\n}\n");
}

absl::Status WriteResultsJson(const std::string& path, const std::vector<ScenarioResult>& results) {
  std::ofstream file(path, std::ios::trunc);
  if (!(file << ResultsJson(results)) || !file.flush()) {
    return absl::UnavailableError(absl::StrCat("json_out: cannot write ", path));
  }
  return absl::OkStatus();
}

}  // namespace osteoflow::bench

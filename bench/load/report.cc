#include "bench/load/report.h"

#include <cstdio>

#include "absl/strings/str_format.h"

namespace osteoflow::bench {
namespace {

constexpr char kColumns[] = "%-8s %9s %10s %9s %9s %9s %9s %7s\n";
constexpr char kRow[] = "%-8s %9d %10.1f %9.1f %9.1f %9.1f %9.1f %7d\n";

void PrintFigures(const char* server, const Figures& f) {
  absl::PrintF(kRow, server, f.calls, f.qps, f.p50_us, f.p90_us, f.p99_us, f.p999_us, f.errors);
}

}  // namespace

void PrintRound(const std::string& server, int round, const Figures& f) {
  absl::PrintF("  round %d %-6s calls %8d  QPS %9.1f  p50 %8.1f us  p99 %8.1f us  errors %d\n",
               round, server, f.calls, f.qps, f.p50_us, f.p99_us, f.errors);
  std::fflush(stdout);
}

void PrintScenario(const ScenarioResult& r) {
  absl::PrintF("\n== %s, concurrency %d: median of %d rounds of %s\n", r.label, r.concurrency,
               r.target_rounds.size(), absl::FormatDuration(r.round_duration));
  absl::PrintF(kColumns, "server", "calls", "QPS", "p50 us", "p90 us", "p99 us", "p99.9 us",
               "errors");
  PrintFigures("target", r.target);
  if (r.has_baseline()) PrintFigures(r.baseline_name.c_str(), r.baseline);
  absl::PrintF("response bytes: target %d", r.target_response_bytes);
  if (r.has_baseline()) absl::PrintF(", %s %d", r.baseline_name, r.baseline_response_bytes);
  absl::PrintF("\n");
  if (r.has_baseline()) {
    absl::PrintF("QPS(target) / QPS(%s): %.3f\n", r.baseline_name, r.qps_ratio);
  }
  if (!r.cpu_us_per_call.empty()) {
    double total = 0;
    absl::PrintF("CPU per target call:");
    for (const auto& [name, us] : r.cpu_us_per_call) {
      absl::PrintF(" %s %.0f us;", name, us);
      total += us;
    }
    absl::PrintF(" total %.0f us\n", total);
  }
  // Errors are summed over all rounds; the first one tells what went wrong.
  if (!r.target_first_error.empty()) absl::PrintF("first target error: %s\n", r.target_first_error);
  if (!r.baseline_first_error.empty()) {
    absl::PrintF("first %s error: %s\n", r.baseline_name, r.baseline_first_error);
  }
  std::fflush(stdout);
}

void PrintMarkdownTable(const std::vector<ScenarioResult>& results) {
  absl::PrintF(
      "\n| scenario | concurrency | calls | QPS | p50 µs | p90 µs | p99 µs | p99.9 µs | errors "
      "| baseline | baseline QPS | baseline p50 µs | baseline p99 µs | QPS / baseline |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
  for (const ScenarioResult& r : results) {
    const Figures& t = r.target;
    const bool b = r.has_baseline();
    const std::string name = b ? r.baseline_name : "n/a";
    const std::string qps = b ? absl::StrFormat("%.0f", r.baseline.qps) : "n/a";
    const std::string p50 = b ? absl::StrFormat("%.0f", r.baseline.p50_us) : "n/a";
    const std::string p99 = b ? absl::StrFormat("%.0f", r.baseline.p99_us) : "n/a";
    const std::string ratio = b ? absl::StrFormat("%.2f", r.qps_ratio) : "n/a";
    absl::PrintF("| %s | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %d | %s | %s | %s | %s | %s |\n",
                 r.label, r.concurrency, t.calls, t.qps, t.p50_us, t.p90_us, t.p99_us, t.p999_us,
                 t.errors, name, qps, p50, p99, ratio);
  }
  std::fflush(stdout);
}

}  // namespace osteoflow::bench

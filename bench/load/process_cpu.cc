#include "bench/load/process_cpu.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace osteoflow::bench {

absl::StatusOr<std::vector<WatchedProcess>> ParseWatchedProcesses(const std::string& text) {
  std::vector<WatchedProcess> processes;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    const std::vector<absl::string_view> parts = absl::StrSplit(item, absl::MaxSplits('=', 1));
    WatchedProcess process;
    if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtoi(parts[1], &process.pid) || process.pid <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("cpu_of: want name=pid[,name=pid...], not ", item));
    }
    process.name = std::string(parts[0]);
    processes.push_back(std::move(process));
  }
  return processes;
}

absl::StatusOr<absl::Duration> CpuTimeOf(int pid) {
  std::ifstream file(absl::StrCat("/proc/", pid, "/stat"));
  std::stringstream text;
  text << file.rdbuf();
  const std::string stat = text.str();
  // The command name is in parentheses and may hold spaces: fields are
  // counted after its closing parenthesis (state is field 3, utime 14).
  const size_t close = stat.rfind(')');
  if (!file || close == std::string::npos) return absl::NotFoundError(absl::StrCat("no process ", pid));
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(close + 2), ' ', absl::SkipEmpty());
  int64_t user = 0;
  int64_t system = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &user) || !absl::SimpleAtoi(fields[12], &system)) {
    return absl::InternalError(absl::StrCat("unreadable /proc/", pid, "/stat"));
  }
  static const long ticks_per_second = sysconf(_SC_CLK_TCK);
  return absl::Seconds(static_cast<double>(user + system) / static_cast<double>(ticks_per_second));
}

CpuPerCall::CpuPerCall(std::vector<WatchedProcess> processes)
    : processes_(std::move(processes)),
      at_start_(processes_.size()),
      spent_(processes_.size(), absl::ZeroDuration()) {}

void CpuPerCall::BeforeRound() {
  for (size_t i = 0; i < processes_.size(); ++i) {
    absl::StatusOr<absl::Duration> now = CpuTimeOf(processes_[i].pid);
    at_start_[i] = now.ok() ? *now : absl::ZeroDuration();
  }
}

void CpuPerCall::AfterRound(int64_t calls) {
  for (size_t i = 0; i < processes_.size(); ++i) {
    absl::StatusOr<absl::Duration> now = CpuTimeOf(processes_[i].pid);
    if (now.ok()) spent_[i] += *now - at_start_[i];
  }
  calls_ += calls;
}

std::vector<CpuPerCall::Share> CpuPerCall::Shares() const {
  std::vector<Share> shares;
  if (calls_ == 0) return shares;
  for (size_t i = 0; i < processes_.size(); ++i) {
    shares.push_back({processes_[i].name, absl::ToDoubleMicroseconds(spent_[i]) / static_cast<double>(calls_)});
  }
  return shares;
}

}  // namespace osteoflow::bench

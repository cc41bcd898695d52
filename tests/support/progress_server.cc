#include "tests/support/progress_server.h"

#include "absl/strings/str_cat.h"

namespace osteoflow::testing {

absl::StatusOr<std::unique_ptr<ServiceProcess>> StartProgressServer(
    int store_port, const std::string& screening_address, const std::string& scheduling_address,
    std::vector<std::string> extra_args, std::vector<std::pair<std::string, std::string>> env) {
  ServiceProcess::Options options;
  options.args = {"--listen_address=127.0.0.1:0",
                  absl::StrCat("--store_address=127.0.0.1:", store_port),
                  "--screening_address=" + screening_address,
                  "--scheduling_address=" + scheduling_address,
                  "--progression_rules_file=" + ShippedProgressionRulesPath(),
                  "--store_check_interval=100ms",
                  // An fsync on a shared test machine can stall for longer than the
                  // 500 ms default; an outage test kills the store, which fails at once.
                  "--store_command_timeout=3s"};
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  options.env = std::move(env);
  return ServiceProcess::Start(BinaryPath("services/progress/osteoflow-progress"), std::move(options));
}

std::string ShippedProgressionRulesPath() {
  return std::string(OSTEOFLOW_SOURCE_DIR) + "/services/progress/data/progression_rules.json";
}

}  // namespace osteoflow::testing

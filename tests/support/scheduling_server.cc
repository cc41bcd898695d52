#include "tests/support/scheduling_server.h"

#include "absl/strings/str_cat.h"

namespace osteoflow::testing {

absl::StatusOr<std::unique_ptr<ServiceProcess>> StartSchedulingServer(
    const std::string& catalog_address, const std::string& screening_address, int cache_port,
    std::vector<std::string> extra_args, std::vector<std::pair<std::string, std::string>> env) {
  ServiceProcess::Options options;
  options.args = {"--listen_address=127.0.0.1:0",
                  "--plan_rules_file=" + ShippedPlanRulesPath(),
                  "--catalog_address=" + catalog_address,
                  "--screening_address=" + screening_address,
                  absl::StrCat("--cache_address=127.0.0.1:", cache_port),
                  "--catalog_check_interval=100ms",
                  "--catalog_refresh_interval=200ms",
                  "--cache_report_interval=50ms",
                  // Redis alone, so that tests see every hit and miss reach it;
                  // tests of the in-process copies pass their own size.
                  "--cache_memory_bytes=0"};
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  options.env = std::move(env);
  return ServiceProcess::Start(BinaryPath("services/scheduling/osteoflow-scheduling"),
                               std::move(options));
}

std::string ShippedPlanRulesPath() {
  return std::string(OSTEOFLOW_SOURCE_DIR) + "/services/scheduling/data/plan_rules.json";
}

}  // namespace osteoflow::testing

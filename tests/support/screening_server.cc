#include "tests/support/screening_server.h"

#include <fstream>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace osteoflow::testing {

absl::StatusOr<std::unique_ptr<ServiceProcess>> StartScreeningServer(
    int store_port, std::vector<std::string> extra_args,
    std::vector<std::pair<std::string, std::string>> env) {
  ServiceProcess::Options options;
  options.args = {"--listen_address=127.0.0.1:0",
                  absl::StrCat("--store_address=127.0.0.1:", store_port),
                  "--rule_set_file=" + ShippedRuleSetPath(), "--store_check_interval=100ms",
                  // An fsync on a shared test machine can stall for longer than the
                  // 500 ms default; an outage test kills the store, which fails at once.
                  "--store_command_timeout=3s"};
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  options.env = std::move(env);
  return ServiceProcess::Start(BinaryPath("services/screening/osteoflow-screening"),
                               std::move(options));
}

std::string ShippedRuleSetPath() {
  return std::string(OSTEOFLOW_SOURCE_DIR) + "/services/screening/data/rules.json";
}

std::string SampleIntakesDirectory() {
  return std::string(OSTEOFLOW_SOURCE_DIR) + "/samples/intakes";
}

absl::StatusOr<osteoflow::screening::v1::Intake> LoadSampleIntake(const std::string& file_name) {
  const std::string path = SampleIntakesDirectory() + "/" + file_name;
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read sample intake ", path));
  std::ostringstream text;
  text << file.rdbuf();
  osteoflow::screening::v1::Intake intake;
  const auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &intake);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sample intake ", path, " is not an Intake: ", parsed.ToString()));
  }
  return intake;
}

}  // namespace osteoflow::testing

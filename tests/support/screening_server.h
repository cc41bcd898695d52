#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "osteoflow/screening/v1/intake.pb.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {

// The real screening binary on a free loopback port, with the shipped rule
// set and its store at 127.0.0.1:`store_port`. Readiness checks the store
// every 100ms, so tests see an outage (and its end) quickly. `extra_args`
// come last and so override the defaults.
absl::StatusOr<std::unique_ptr<ServiceProcess>> StartScreeningServer(
    int store_port, std::vector<std::string> extra_args = {},
    std::vector<std::pair<std::string, std::string>> env = {});

// Path of the rule-set file shipped in the repository.
std::string ShippedRuleSetPath();

// Path of the directory of sample intakes shipped in the repository.
std::string SampleIntakesDirectory();

// A sample intake from samples/intakes/, for example
// "red-flag-chest-pain.json", parsed from its JSON form.
absl::StatusOr<osteoflow::screening::v1::Intake> LoadSampleIntake(const std::string& file_name);

}  // namespace osteoflow::testing

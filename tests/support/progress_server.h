#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {

// The real progress binary on a free loopback port, with the shipped
// progression rules, its durable store at 127.0.0.1:`store_port` and the
// screening and scheduling services at the given addresses. Readiness checks
// the store every 100ms, so tests see an outage (and its end) quickly.
// `extra_args` come last and so override the defaults.
absl::StatusOr<std::unique_ptr<ServiceProcess>> StartProgressServer(
    int store_port, const std::string& screening_address, const std::string& scheduling_address,
    std::vector<std::string> extra_args = {},
    std::vector<std::pair<std::string, std::string>> env = {});

// Path of the progression-rules file shipped in the repository.
std::string ShippedProgressionRulesPath();

}  // namespace osteoflow::testing

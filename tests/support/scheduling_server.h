#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {

// The real scheduling binary on a free loopback port, with the shipped plan
// rules, the catalog and screening services at the given addresses and its
// cache Redis at 127.0.0.1:`cache_port`. Intervals are short so that tests
// see readiness changes, catalog refreshes and cache reports quickly.
// `extra_args` come last and so override the defaults.
absl::StatusOr<std::unique_ptr<ServiceProcess>> StartSchedulingServer(
    const std::string& catalog_address, const std::string& screening_address, int cache_port,
    std::vector<std::string> extra_args = {},
    std::vector<std::pair<std::string, std::string>> env = {});

// Path of the plan-rules file shipped in the repository.
std::string ShippedPlanRulesPath();

}  // namespace osteoflow::testing

#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {

// The real catalog binary on a free loopback port, serving the shipped catalog.
absl::StatusOr<std::unique_ptr<ServiceProcess>> StartCatalogServer(
    std::vector<std::string> extra_args = {},
    std::vector<std::pair<std::string, std::string>> env = {});

}  // namespace osteoflow::testing

#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace osteoflow::tools {

// The request JSON from exactly one of --request_json or --request_file
// ("-" reads standard input); "{}" when both are empty. INVALID_ARGUMENT
// (message starting with the setting's name) when both are given or the file
// cannot be read.
absl::StatusOr<std::string> ReadRequestJson(const std::string& request_json,
                                            const std::string& request_file);

}  // namespace osteoflow::tools

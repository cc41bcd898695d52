#pragma once

#include <string>

#include "osteoflow/progress/v1/program.pb.h"

namespace osteoflow::progress {

// An alert raised on `date` under `rule`.
osteoflow::progress::v1::Alert MakeAlert(osteoflow::progress::v1::AlertKind kind,
                                         const osteoflow::common::v1::RuleCitation& rule, std::string message,
                                         const std::string& date);

}  // namespace osteoflow::progress

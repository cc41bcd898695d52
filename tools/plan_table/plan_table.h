#pragma once

#include <string>

#include "osteoflow/scheduling/v1/plan.pb.h"

namespace osteoflow::tools {

// A weekly plan as a person or clinician reads it: banners first, then each
// day with its items (dose, minutes, rules), then the week's totals against
// the targets and every shortfall with its reason.
std::string PlanTable(const osteoflow::scheduling::v1::WeeklyPlan& plan);

}  // namespace osteoflow::tools

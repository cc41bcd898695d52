#pragma once

#include "osteoflow/scheduling/v1/plan.pb.h"
#include "services/scheduling/domain/plan_draft.h"

namespace osteoflow::scheduling {

// Adds each component's total to the plan, counted from the sessions it
// holds, with whether its target is met; and for every target missed, a
// shortfall saying what was planned and why no more.
void AddTotals(const PlanBasis& basis, const PlanDraft& draft, osteoflow::scheduling::v1::WeeklyPlan& plan);

}  // namespace osteoflow::scheduling

#pragma once

#include "osteoflow/scheduling/v1/plan.pb.h"
#include "services/scheduling/domain/plan_draft.h"

namespace osteoflow::scheduling {

// The plan message: each day's items as one titled session in the order they
// are done, the totals and shortfalls, the screening's banners and the
// versions the plan was made from. Moves the items out of the draft.
osteoflow::scheduling::v1::WeeklyPlan AssemblePlan(const PlanBasis& basis, PlanDraft& draft);

}  // namespace osteoflow::scheduling

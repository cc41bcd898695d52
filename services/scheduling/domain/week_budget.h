#pragma once

#include <optional>
#include <vector>

#include "osteoflow/scheduling/v1/plan.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "services/scheduling/domain/plan_draft.h"

namespace osteoflow::scheduling {

// RULES §5: progression competes for the week's minutes. A set progress has
// just added may not push another component below what the week holds
// without it; then the plan keeps the sets of the week before and says so.

// The inputs with every just-added set taken back (sets = sets_before), or
// nothing when progress added none.
std::optional<osteoflow::scheduling::v1::PlanInputs> WithAddedSetsHeld(
    const osteoflow::scheduling::v1::PlanInputs& inputs);

// Whether the week as progressed holds less of any other component (impacts,
// minutes or days) than the week with the added sets held.
bool CrowdsOtherComponents(const PlanDraft& progressed, const PlanDraft& held);

// One trade-off per exercise whose added set was held, naming what the set
// would have cost.
std::vector<osteoflow::scheduling::v1::TradeOff> HeldSetTradeOffs(
    const PlanBasis& basis, const PlanDraft& progressed, const PlanDraft& held);

}  // namespace osteoflow::scheduling

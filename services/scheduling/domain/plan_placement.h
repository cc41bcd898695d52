#pragma once

#include "services/scheduling/domain/plan_candidates.h"
#include "services/scheduling/domain/plan_draft.h"

namespace osteoflow::scheduling {

// Fills the draft's days: first every component's smallest worthwhile dose,
// in priority order; then, in the same order, each grows towards its full
// daily dose; last, non-weight-bearing activity the person enjoys takes time
// left over. Short days so get some of everything in priority order rather
// than all of the first component.
void PlaceWeek(const PlanBasis& basis, const ExerciseCandidates& candidates, PlanDraft& draft);

}  // namespace osteoflow::scheduling

#pragma once

#include "absl/status/statusor.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "services/scheduling/domain/plan_rules.h"
#include "services/scheduling/domain/planning_catalog.h"

namespace osteoflow::scheduling {

// Makes one week's plan from validated, canonical inputs (see plan_inputs.h):
// a pure function of the inputs, the catalog and the plan rules, so the same
// three always give the same plan, byte for byte. The plan's name is left
// for the caller, who knows its digest.
//
// Safety first: only entries the restriction-matching library allows without
// modification are planned. Then components are placed in the priority order
// of the dose rules (balance when the screening flags fall risk, strength,
// impact, weight-bearing minutes), followed by those the rules do not rank
// (balance otherwise, posture, stretching): first each component's smallest
// worthwhile dose (strength's whole block), then, in the same order, each
// grows towards its full daily dose; last, any non-weight-bearing activity
// the person enjoys fills time left over. Short days so get some of
// everything in priority order rather than all of the first component.
// Every target not met is reported as a shortfall with its reason.
//
// FAILED_PRECONDITION when the screening's outcome is REFER.
absl::StatusOr<osteoflow::scheduling::v1::WeeklyPlan> BuildWeeklyPlan(
    const osteoflow::scheduling::v1::PlanInputs& inputs, const PlanningCatalog& catalog,
    const PlanRules& rules);

// FAILED_PRECONDITION for a screening whose outcome is REFER, naming its red
// flags (or outcome rules): the reasons no plan is made.
absl::Status ReferralStatus(const osteoflow::screening::v1::ScreeningResult& screening);

}  // namespace osteoflow::scheduling

#pragma once

#include <vector>

#include "osteoflow/catalog/v1/exercise.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "osteoflow/scheduling/v1/plan_rules.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "services/scheduling/domain/planning_catalog.h"

namespace osteoflow::scheduling {

// One rung of the PROG-BALANCE ladder: a level, first held with hand support
// and then without.
struct BalanceStep {
  osteoflow::catalog::v1::BalanceLevel level = osteoflow::catalog::v1::BALANCE_LEVEL_FEET_TOGETHER;
  bool hand_support = true;
};

// Where this week's balance work stands: the highest step any progression
// names, or else the start the dose targets give (lower with a fall-risk
// flag), with hand support.
BalanceStep CurrentBalanceStep(const osteoflow::scheduling::v1::PlanInputs& inputs,
                               const osteoflow::scheduling::v1::BalanceDose& balance, bool fall_risk);

// Whether the entry is at or below the step's level: never above it.
bool WithinStep(const PlanningEntry& entry, BalanceStep step);

// `choices` reordered so that the step's own level comes first, then the
// levels below it, nearest first; the order among equals is kept.
std::vector<const PlanningEntry*> NearestLevelsFirst(std::vector<const PlanningEntry*> choices,
                                                     BalanceStep step);

// Marks a balance item with its level and hand support (the step's own level
// keeps the step's support; the levels below are done without) and the cue
// that says so.
void MarkLadderItem(osteoflow::scheduling::v1::PlanItem& item, const osteoflow::catalog::v1::Exercise& exercise,
                    BalanceStep step, const osteoflow::scheduling::v1::BalanceDose& balance);

}  // namespace osteoflow::scheduling

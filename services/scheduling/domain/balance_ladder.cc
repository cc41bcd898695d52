#include "services/scheduling/domain/balance_ladder.h"

#include <algorithm>
#include <cstdlib>

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace catalog_v1 = osteoflow::catalog::v1;

// Steps in ladder order: each level with support, then without.
int Rank(BalanceStep step) { return 2 * static_cast<int>(step.level) + (step.hand_support ? 0 : 1); }

}  // namespace

BalanceStep CurrentBalanceStep(const v1::PlanInputs& inputs, const v1::BalanceDose& balance, bool fall_risk) {
  BalanceStep step{fall_risk ? balance.fall_risk_start_level() : balance.start_level(), true};
  bool recorded = false;
  for (const v1::ExerciseProgression& progression : inputs.progression()) {
    if (progression.balance_level() == catalog_v1::BALANCE_LEVEL_UNSPECIFIED) continue;
    const BalanceStep named{progression.balance_level(), progression.balance_hand_support()};
    // Once progress has recorded a step, it decides: a step down (after pain,
    // say) is followed as faithfully as a step up.
    if (!recorded || Rank(named) > Rank(step)) step = named;
    recorded = true;
  }
  return step;
}

bool WithinStep(const PlanningEntry& entry, BalanceStep step) {
  const int level = entry.exercise->balance_level();
  return level != catalog_v1::BALANCE_LEVEL_UNSPECIFIED && level <= step.level;
}

std::vector<const PlanningEntry*> NearestLevelsFirst(std::vector<const PlanningEntry*> choices, BalanceStep step) {
  std::stable_sort(choices.begin(), choices.end(), [step](const PlanningEntry* a, const PlanningEntry* b) {
    return std::abs(step.level - a->exercise->balance_level()) < std::abs(step.level - b->exercise->balance_level());
  });
  return choices;
}

void MarkLadderItem(v1::PlanItem& item, const catalog_v1::Exercise& exercise, BalanceStep step,
                    const v1::BalanceDose& balance) {
  item.set_balance_level(exercise.balance_level());
  item.set_hand_support(exercise.balance_level() == step.level && step.hand_support);
  item.add_cues(item.hand_support() ? balance.hand_support_cue() : balance.no_support_cue());
}

}  // namespace osteoflow::scheduling

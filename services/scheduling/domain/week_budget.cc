#include "services/scheduling/domain/week_budget.h"

#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/scheduling/domain/plan_wording.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;

// The components a strength set can take time from.
constexpr std::array<v1::Component, 5> kOthers = {v1::COMPONENT_IMPACT, v1::COMPONENT_WEIGHT_BEARING_AEROBIC,
                                                  v1::COMPONENT_BALANCE, v1::COMPONENT_POSTURE,
                                                  v1::COMPONENT_FLEXIBILITY};

struct Held {
  int days = 0;
  int amount = 0;  // impacts for impact, minutes otherwise
};

Held HeldOf(const PlanDraft& draft, v1::Component component) {
  Held held;
  for (const DraftDay& day : draft.days) {
    if (!day.Has(component)) continue;
    ++held.days;
    for (const v1::PlanItem& item : day.items[component]) {
      held.amount += component == v1::COMPONENT_IMPACT ? item.dose().impacts() : item.minutes();
    }
  }
  return held;
}

}  // namespace

std::optional<v1::PlanInputs> WithAddedSetsHeld(const v1::PlanInputs& inputs) {
  bool any = false;
  for (const v1::ExerciseProgression& entry : inputs.progression()) any |= entry.sets_before() > 0;
  if (!any) return std::nullopt;
  v1::PlanInputs held = inputs;
  for (v1::ExerciseProgression& entry : *held.mutable_progression()) {
    if (entry.sets_before() == 0) continue;
    entry.set_sets(entry.sets_before());
    entry.clear_sets_before();
  }
  return held;
}

bool CrowdsOtherComponents(const PlanDraft& progressed, const PlanDraft& held) {
  for (const v1::Component component : kOthers) {
    const Held now = HeldOf(progressed, component);
    const Held before = HeldOf(held, component);
    if (now.days < before.days || now.amount < before.amount) return true;
  }
  return false;
}

std::vector<v1::TradeOff> HeldSetTradeOffs(const PlanBasis& basis, const PlanDraft& progressed,
                                           const PlanDraft& held) {
  std::vector<std::string> costs;
  for (const v1::Component component : kOthers) {
    const Held now = HeldOf(progressed, component);
    const Held before = HeldOf(held, component);
    const char* unit = component == v1::COMPONENT_IMPACT ? "impacts" : "minutes";
    if (now.amount < before.amount) {
      costs.push_back(absl::StrCat(ComponentWords(component), " from ", before.amount, " to ", now.amount, " ", unit));
    } else if (now.days < before.days) {
      costs.push_back(absl::StrCat(ComponentWords(component), " from ", before.days, " to ", now.days, " days"));
    }
  }
  const std::string cost = absl::StrJoin(costs, ", ");
  const v1::StrengthDose& strength = basis.rules.strength();
  std::vector<v1::TradeOff> trade_offs;
  for (const v1::ExerciseProgression& entry : basis.inputs.progression()) {
    if (entry.sets_before() == 0) continue;
    bool planned = false;
    for (const v1::PlanItem& item : held.strength_block) planned |= item.exercise() == entry.exercise();
    if (!planned) continue;
    v1::TradeOff& trade_off = trade_offs.emplace_back();
    trade_off.set_exercise(entry.exercise());
    trade_off.set_component(v1::COMPONENT_STRENGTH);
    trade_off.set_progressed(absl::StrCat(entry.sets(), " sets"));
    trade_off.set_planned(absl::StrCat(entry.sets_before(), " sets"));
    trade_off.set_reason(absl::StrCat("the added set would have cut ", cost,
                                      " this week; kept at last week's sets: progress by load or a harder "
                                      "variant instead"));
    *trade_off.add_rules() = basis.plan_rules.Citation(strength.dose_rule_id());
  }
  return trade_offs;
}

}  // namespace osteoflow::scheduling

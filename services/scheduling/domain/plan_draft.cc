#include "services/scheduling/domain/plan_draft.h"

#include <utility>

#include "common/text/identifiers.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;

// RULES.md §5 ranks balance for fall-risk patients, strength, impact and
// weight-bearing minutes; balance otherwise, posture and stretching follow.
std::vector<v1::Component> PriorityOrder(bool fall_risk) {
  std::vector<v1::Component> order;
  if (fall_risk) order.push_back(v1::COMPONENT_BALANCE);
  order.insert(order.end(),
               {v1::COMPONENT_STRENGTH, v1::COMPONENT_IMPACT, v1::COMPONENT_WEIGHT_BEARING_AEROBIC});
  if (!fall_risk) order.push_back(v1::COMPONENT_BALANCE);
  order.insert(order.end(), {v1::COMPONENT_POSTURE, v1::COMPONENT_FLEXIBILITY});
  return order;
}

}  // namespace

PlanBasis::PlanBasis(const v1::PlanInputs& plan_inputs, const PlanningCatalog& planning_catalog,
                     const PlanRules& rules_in_force)
    : inputs(plan_inputs),
      catalog(planning_catalog),
      plan_rules(rules_in_force),
      rules(rules_in_force.document()),
      restrictions(plan_inputs.screening_result().restrictions()),
      fall_risk(plan_inputs.screening_result().fall_risk().flagged()),
      order(PriorityOrder(fall_risk)) {}

int DraftDay::MinutesOf(v1::Component component) const {
  int minutes = 0;
  for (const v1::PlanItem& item : items[component]) minutes += item.minutes();
  return minutes;
}

bool DraftDay::HasAnyItem() const {
  for (const auto& component_items : items) {
    if (!component_items.empty()) return true;
  }
  return false;
}

PlanDraft::PlanDraft(const v1::PlanInputs& inputs) {
  absl::CivilDay start;
  ParseIsoDate(inputs.week_start_date(), &start);  // validated by the caller
  uint32_t available = 0;
  for (const int weekday : inputs.preferences().available_days()) available |= 1u << weekday;
  for (int i = 0; i < kDaysPerWeek; ++i) {
    DraftDay& day = days[i];
    day.date = start + i;
    // absl numbers Monday 0; the contract numbers it 1, as ISO 8601 does.
    day.weekday = static_cast<v1::Weekday>(static_cast<int>(absl::GetWeekday(day.date)) + 1);
    day.available = (available & (1u << day.weekday)) != 0;
    day.left = day.available ? inputs.preferences().minutes_per_day() : 0;
  }
}

void PlanDraft::Put(int day, v1::PlanItem item) {
  days[day].left -= item.minutes();
  const v1::Component component = item.component();
  days[day].items[component].push_back(std::move(item));
}

uint32_t PlanDraft::AvailableMask() const {
  uint32_t mask = 0;
  for (int i = 0; i < kDaysPerWeek; ++i) mask |= days[i].available ? 1u << i : 0;
  return mask;
}

int PlanDraft::AvailableDays() const {
  int count = 0;
  for (const DraftDay& day : days) count += day.available ? 1 : 0;
  return count;
}

}  // namespace osteoflow::scheduling

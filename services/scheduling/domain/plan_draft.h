#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "services/scheduling/domain/plan_rules.h"
#include "services/scheduling/domain/planning_catalog.h"

namespace osteoflow::scheduling {

inline constexpr int kDaysPerWeek = 7;

// What a plan is made from, fixed while it is made.
struct PlanBasis {
  PlanBasis(const osteoflow::scheduling::v1::PlanInputs& inputs, const PlanningCatalog& catalog,
            const PlanRules& plan_rules);

  const osteoflow::scheduling::v1::PlanInputs& inputs;
  const PlanningCatalog& catalog;
  const PlanRules& plan_rules;
  const osteoflow::scheduling::v1::PlanRulesDocument& rules;
  const osteoflow::common::v1::Restrictions& restrictions;
  const bool fall_risk;
  // The order components are placed in, most important first.
  const std::vector<osteoflow::scheduling::v1::Component> order;
};

// One day of the week being planned.
struct DraftDay {
  absl::CivilDay date;
  osteoflow::scheduling::v1::Weekday weekday = osteoflow::scheduling::v1::WEEKDAY_UNSPECIFIED;
  bool available = false;
  // Minutes of the day not yet given to anything.
  int left = 0;
  // Per component, in the order placed; a session orders them later.
  std::array<std::vector<osteoflow::scheduling::v1::PlanItem>, osteoflow::scheduling::v1::Component_ARRAYSIZE>
      items;

  int MinutesOf(osteoflow::scheduling::v1::Component component) const;
  bool Has(osteoflow::scheduling::v1::Component component) const { return !items[component].empty(); }
  bool HasAnyItem() const;
};

// The week as placing fills it, with what placing learned that the totals
// must explain.
struct PlanDraft {
  // The week's days set out, each with the person's minutes when available.
  explicit PlanDraft(const osteoflow::scheduling::v1::PlanInputs& inputs);

  std::array<DraftDay, kDaysPerWeek> days;

  // The strength exercises, one per pattern, as each strength day holds them.
  std::vector<osteoflow::scheduling::v1::PlanItem> strength_block;
  // "pattern: why" for each strength pattern with nothing usable.
  std::vector<std::string> missing_patterns;
  // A strength day had room for only part of the block.
  bool strength_cut_short = false;
  int balance_days_wanted = 0;
  // A weight-bearing bout is held below the daily dose until progress records more.
  bool aerobic_building = false;
  // Per component: why nothing of it could be planned; empty when something could.
  std::array<std::string, osteoflow::scheduling::v1::Component_ARRAYSIZE> obstacles;

  // Gives the item its day's time.
  void Put(int day, osteoflow::scheduling::v1::PlanItem item);
  // Bit n set: day n is available.
  uint32_t AvailableMask() const;
  int AvailableDays() const;
};

}  // namespace osteoflow::scheduling

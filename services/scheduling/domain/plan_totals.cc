#include "services/scheduling/domain/plan_totals.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/scheduling/domain/day_spread.h"
#include "services/scheduling/domain/plan_wording.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;

// One component's share of the plan.
struct Tally {
  int days = 0;
  int minutes = 0;
  int impacts = 0;
  int full_days = 0;  // days holding the whole daily dose
  uint32_t day_mask = 0;
};

Tally Count(const v1::WeeklyPlan& plan, v1::Component component, int full_minutes, int full_impacts) {
  Tally tally;
  for (int i = 0; i < plan.days_size(); ++i) {
    int minutes = 0, impacts = 0;
    bool present = false;
    for (const v1::PlanSession& session : plan.days(i).sessions()) {
      for (const v1::PlanItem& item : session.items()) {
        if (item.component() != component) continue;
        // Weight-bearing totals count weight-bearing items only (rule NWB).
        if (component == v1::COMPONENT_WEIGHT_BEARING_AEROBIC && !item.counts_as_weight_bearing()) continue;
        present = true;
        minutes += item.minutes();
        impacts += item.dose().impacts();
      }
    }
    if (!present) continue;
    ++tally.days;
    tally.day_mask |= 1u << i;
    tally.minutes += minutes;
    tally.impacts += impacts;
    if (minutes >= full_minutes && impacts >= full_impacts) ++tally.full_days;
  }
  return tally;
}

// "N days, " followed by the amount planned.
std::string DaysAnd(const Tally& tally, int amount, const char* unit) {
  return absl::StrCat(tally.days, " day", tally.days == 1 ? "" : "s", ", ", amount, " ", unit);
}

std::string DaysAndMinutes(const Tally& tally) { return DaysAnd(tally, tally.minutes, "minutes"); }

class TotalsReport {
 public:
  TotalsReport(const PlanBasis& basis, const PlanDraft& draft, v1::WeeklyPlan& plan)
      : basis_(basis), rules_(basis.rules), draft_(draft), plan_(plan) {}

  void AddAll() {
    const Tally strength_tally = AddStrength();
    {
      // Posture: every day.
      const v1::PostureDose& posture = rules_.posture();
      const Tally tally = Count(plan_, v1::COMPONENT_POSTURE, posture.minutes_per_day(), 0);
      Report(v1::COMPONENT_POSTURE, posture.text(), tally, tally.full_days == kDaysPerWeek,
             DaysAndMinutes(tally), Reason(v1::COMPONENT_POSTURE, kDaysPerWeek, posture.minutes_per_day()));
    }
    {
      const v1::ImpactDose& impact = rules_.impact();
      const Tally tally = Count(plan_, v1::COMPONENT_IMPACT, 0, impact.impacts_per_day());
      const int per_minute = impact.impacts_per_minute();
      const int need = (impact.start_impacts() + per_minute - 1) / per_minute;
      // Enough impact days but fewer impacts: the drills are still building.
      const bool building = draft_.obstacles[v1::COMPONENT_IMPACT].empty() && tally.days >= impact.min_days();
      Report(v1::COMPONENT_IMPACT, impact.text(), tally, tally.full_days >= impact.min_days(),
             DaysAnd(tally, tally.impacts, "impacts"),
             building ? absl::StrCat("building up towards ", impact.impacts_per_day(), " a day (",
                                     impact.build_up_rule_id(), ")")
                      : Reason(v1::COMPONENT_IMPACT, impact.min_days(), need));
    }
    {
      // Balance: enough full days, and the week's minutes (DOSE-BALANCE).
      const v1::BalanceDose& balance = rules_.balance();
      const Tally tally = Count(plan_, v1::COMPONENT_BALANCE, balance.minutes_per_day(), 0);
      const bool days_met = tally.full_days >= draft_.balance_days_wanted;
      Report(v1::COMPONENT_BALANCE, balance.text(), tally, days_met && tally.minutes >= balance.weekly_minutes(),
             DaysAndMinutes(tally),
             days_met ? WeeklyBalanceReason(tally.minutes)
                      : Reason(v1::COMPONENT_BALANCE, draft_.balance_days_wanted, balance.minutes_per_day()));
    }
    {
      // Weight-bearing minutes.
      const v1::AerobicDose& aerobic = rules_.weight_bearing();
      const Tally tally = Count(plan_, v1::COMPONENT_WEIGHT_BEARING_AEROBIC, aerobic.minutes_per_day(), 0);
      const bool met = tally.full_days >= aerobic.min_days() && tally.minutes >= aerobic.weekly_minutes();
      Report(v1::COMPONENT_WEIGHT_BEARING_AEROBIC, aerobic.text(), tally, met, DaysAndMinutes(tally),
             Reason(v1::COMPONENT_WEIGHT_BEARING_AEROBIC, aerobic.min_days(), aerobic.minutes_per_day()));
    }
    {
      // Stretching after each strength session.
      const v1::FlexibilityDose& flexibility = rules_.flexibility();
      const Tally tally = Count(plan_, v1::COMPONENT_FLEXIBILITY, flexibility.minutes(), 0);
      const int wanted = std::max(1, strength_tally.days);
      Report(v1::COMPONENT_FLEXIBILITY, flexibility.text(), tally, tally.days >= wanted,
             DaysAndMinutes(tally), Reason(v1::COMPONENT_FLEXIBILITY, wanted, flexibility.minutes()));
    }
  }

 private:
  Tally AddStrength() {
    const v1::StrengthDose& strength = rules_.strength();
    int block = 0;
    for (const v1::PlanItem& item : draft_.strength_block) block += item.minutes();
    const Tally tally = Count(plan_, v1::COMPONENT_STRENGTH, block, 0);
    const bool all_patterns = draft_.missing_patterns.empty() && !draft_.strength_cut_short;
    const bool met = tally.days >= strength.min_days() && tally.days <= strength.max_days() && all_patterns &&
                     !HasNeighbours(tally.day_mask);
    std::string reason;
    if (!draft_.missing_patterns.empty()) {
      reason = absl::StrCat("patterns not planned: ", absl::StrJoin(draft_.missing_patterns, "; "));
    } else if (tally.days < strength.min_days()) {
      const uint32_t available = draft_.AvailableMask();
      const int non_consecutive =
          static_cast<int>(SpreadDays(available, available, strength.max_days(), true).size());
      reason = non_consecutive < strength.min_days()
                   ? absl::StrCat("the available days allow only ", non_consecutive, " strength day",
                                  non_consecutive == 1 ? "" : "s", " without two in a row")
                   : TimeReason(v1::COMPONENT_STRENGTH, strength.min_days(), block);
    } else {
      reason = TimeReason(v1::COMPONENT_STRENGTH, strength.min_days(), block);
    }
    Report(v1::COMPONENT_STRENGTH, strength.text(), tally, met,
           absl::StrCat(DaysAndMinutes(tally), ", ", tally.full_days, " with every pattern"), reason);
    return tally;
  }

  // Why a target is missed: nothing usable for the component, or else time.
  std::string Reason(v1::Component component, int days_needed, int minutes_needed) const {
    const std::string& obstacle = draft_.obstacles[component];
    return !obstacle.empty() ? obstacle : TimeReason(component, days_needed, minutes_needed);
  }

  // The reason for a target missed on days or minutes, given what one day of
  // the component needs.
  std::string TimeReason(v1::Component component, int days_needed, int minutes_needed) const {
    const int available = draft_.AvailableDays();
    const int minutes_per_day = basis_.inputs.preferences().minutes_per_day();
    if (available < days_needed) {
      return absl::StrCat("only ", available, " available day", available == 1 ? "" : "s",
                          " a week; the target needs ", days_needed);
    }
    if (minutes_per_day < minutes_needed) {
      return absl::StrCat(minutes_per_day, " minutes a day is less than the ", minutes_needed,
                          " this needs on each of its days");
    }
    if (component == v1::COMPONENT_WEIGHT_BEARING_AEROBIC && draft_.aerobic_building) {
      return absl::StrCat("building up: bouts start at ", rules_.weight_bearing().start_minutes(),
                          " minutes (", rules_.weight_bearing().start_rule_id(),
                          ") and grow only as progress records (PROG-VOLUME)");
    }
    const std::string before = HigherPriorities(component);
    if (before.empty()) {
      return absl::StrCat(minutes_per_day,
                          " minutes a day do not hold the target on enough of the available days");
    }
    return absl::StrCat("time given to higher priorities (", before, ")");
  }

  // Why a week with enough balance days still holds fewer minutes than the
  // weekly target.
  std::string WeeklyBalanceReason(int planned) const {
    const v1::BalanceDose& balance = rules_.balance();
    const int most = draft_.AvailableDays() *
                     std::min(balance.max_minutes_per_day(), basis_.inputs.preferences().minutes_per_day());
    const std::string held = absl::StrCat(planned, " of the ", balance.weekly_minutes(), " minutes a week: ");
    if (const std::string& obstacle = draft_.obstacles[v1::COMPONENT_BALANCE]; !obstacle.empty()) {
      return held + obstacle;
    }
    if (most < balance.weekly_minutes()) {
      return absl::StrCat(held, "the available days hold at most ", most, " balance minutes at up to ",
                          balance.max_minutes_per_day(), " a day");
    }
    if (basis_.fall_risk) {
      return held + "the rest of the week holds the smallest doses of the other components";
    }
    return absl::StrCat(held, "time given to higher priorities (", HigherPriorities(v1::COMPONENT_BALANCE), ")");
  }

  // Components placed before `component` in this plan's priority order.
  std::string HigherPriorities(v1::Component component) const {
    std::vector<std::string> before;
    for (const v1::Component earlier : basis_.order) {
      if (earlier == component) break;
      before.push_back(ComponentWords(earlier));
    }
    // Balance without a fall-risk flag grows past its minimum only after
    // every component's smallest dose, posture and stretching included.
    if (component == v1::COMPONENT_BALANCE && !basis_.fall_risk) {
      before.push_back("the smallest doses of posture and stretching");
    }
    return absl::StrJoin(before, ", ");
  }

  void Report(v1::Component component, const v1::ComponentText& text, const Tally& tally, bool met,
              const std::string& planned, const std::string& reason) {
    v1::ComponentTotal* total = plan_.add_totals();
    total->set_component(component);
    total->set_days(tally.days);
    total->set_minutes(tally.minutes);
    total->set_impacts(tally.impacts);
    total->set_target(text.target());
    total->set_met(met);
    *total->mutable_rule() = basis_.plan_rules.Citation(text.rule_id());
    if (met) return;
    v1::Shortfall* shortfall = plan_.add_shortfalls();
    shortfall->set_component(component);
    *shortfall->mutable_rule() = total->rule();
    shortfall->set_target(text.target());
    shortfall->set_planned(planned);
    shortfall->set_reason(reason);
  }

  const PlanBasis& basis_;
  const v1::PlanRulesDocument& rules_;
  const PlanDraft& draft_;
  v1::WeeklyPlan& plan_;
};

}  // namespace

void AddTotals(const PlanBasis& basis, const PlanDraft& draft, v1::WeeklyPlan& plan) {
  TotalsReport(basis, draft, plan).AddAll();
}

}  // namespace osteoflow::scheduling

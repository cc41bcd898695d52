#include "services/scheduling/domain/plan_placement.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/scheduling/domain/balance_ladder.h"
#include "services/scheduling/domain/day_spread.h"
#include "services/scheduling/domain/plan_items.h"
#include "services/scheduling/domain/plan_wording.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace screening_v1 = osteoflow::screening::v1;

bool AnyEntry(const PlanningEntry&) { return true; }

class WeekPlacer {
 public:
  WeekPlacer(const PlanBasis& basis, const ExerciseCandidates& candidates, PlanDraft& draft)
      : basis_(basis),
        rules_(basis.rules),
        candidates_(candidates),
        items_(basis, candidates),
        draft_(draft),
        days_(draft.days),
        // Variety from week to week without randomness: the week index turns
        // the order in which equal choices are taken.
        rotation_(basis.inputs.week_index() > 0 ? basis.inputs.week_index() - 1 : 0),
        step_(CurrentBalanceStep(basis.inputs, basis.rules.balance(), basis.fall_risk)) {}

  void PlaceSmallestDose(v1::Component component) {
    const v1::BalanceDose& balance = rules_.balance();
    switch (component) {
      case v1::COMPONENT_BALANCE:
        if (basis_.fall_risk) {
          // With a fall-risk flag balance comes first, then the first short
          // walks (IMP-FALLS: walking stays), then balance grows to its
          // daily dose before anything else is placed.
          PlaceBalance(balance.fall_risk_min_days(), balance.min_minutes());
          PlaceFallRiskWalking();
          TopUpBalance();
        } else {
          PlaceBalance(balance.min_days(), balance.min_minutes());
        }
        break;
      case v1::COMPONENT_STRENGTH: PlaceStrength(); break;
      case v1::COMPONENT_IMPACT: PlaceImpact(); break;
      case v1::COMPONENT_WEIGHT_BEARING_AEROBIC: PlaceWeightBearing(); break;
      case v1::COMPONENT_POSTURE: PlacePosture(); break;
      case v1::COMPONENT_FLEXIBILITY: PlaceFlexibility(); break;
      default: break;
    }
  }

  // Strength, impact, posture and stretching are placed whole; balance and
  // weight-bearing bouts grow to their daily dose, and balance then towards
  // its weekly minutes.
  void GrowToFullDose(v1::Component component) {
    if (component == v1::COMPONENT_WEIGHT_BEARING_AEROBIC) TopUpWeightBearing();
    if (component == v1::COMPONENT_BALANCE) {
      if (!basis_.fall_risk) TopUpBalance();
      GrowBalanceTowardsWeek();
    }
  }

  void PlaceEnjoyedNonWeightBearing() {
    const std::vector<const PlanningEntry*> choices = candidates_.Enjoyed(v1::COMPONENT_NON_WEIGHT_BEARING);
    if (choices.empty()) return;
    const int shortest = rules_.weight_bearing().min_bout_minutes();
    int slot = 0;
    for (int day = 0; day < kDaysPerWeek; ++day) {
      if (!days_[day].available || days_[day].left < shortest) continue;
      const PlanningEntry& entry = *choices[slot % choices.size()];
      draft_.Put(day, items_.EnjoyedNonWeightBearing(entry, shortest, days_[day].left));
      ++slot;
    }
  }

 private:
  // Whether the component has anything usable; when not, the draft keeps why.
  bool AnyUsable(v1::Component component) {
    if (candidates_.Any(component)) return true;
    draft_.obstacles[component] = candidates_.NothingUsable(component, AnyEntry);
    return false;
  }

  // Bit n set: day n has at least `minutes` left.
  uint32_t DaysWithRoom(int minutes) const {
    uint32_t mask = 0;
    for (int i = 0; i < kDaysPerWeek; ++i) {
      if (days_[i].left >= minutes) mask |= 1u << i;
    }
    return mask;
  }

  void PlaceBalance(int wanted_days, int block_minutes) {
    const v1::BalanceDose& balance = rules_.balance();
    draft_.balance_days_wanted = wanted_days;
    if (!AnyUsable(v1::COMPONENT_BALANCE)) return;
    if (LadderChoices(0).empty()) {
      draft_.obstacles[v1::COMPONENT_BALANCE] =
          candidates_.NothingUsable(v1::COMPONENT_BALANCE, [this](const PlanningEntry& entry) {
            return WithinStep(entry, step_);
          });
      return;
    }
    const uint32_t eligible = DaysWithRoom(balance.min_minutes());
    for (const int day : SpreadDays(eligible, eligible, wanted_days, false)) {
      PlaceBalanceBlock(day, std::min(block_minutes, days_[day].left));
    }
  }

  // PROG-BALANCE: the week's ladder level first, then the levels below it,
  // never above; a disliked exercise only when nothing else is left.
  std::vector<const PlanningEntry*> LadderChoices(int turn) const {
    std::vector<const PlanningEntry*> liked, disliked;
    for (const PlanningEntry* choice : candidates_.Choices(
             v1::COMPONENT_BALANCE, [this](const PlanningEntry& entry) { return WithinStep(entry, step_); },
             turn, false)) {
      (candidates_.IsDisliked(*choice) ? disliked : liked).push_back(choice);
    }
    std::vector<const PlanningEntry*> ordered = NearestLevelsFirst(std::move(liked), step_);
    for (const PlanningEntry* choice : NearestLevelsFirst(std::move(disliked), step_)) ordered.push_back(choice);
    return ordered;
  }

  // One day's balance block, split into a few exercises (fewer, longer ones
  // rather than a disliked one).
  void PlaceBalanceBlock(int day, int minutes) {
    const v1::BalanceDose& balance = rules_.balance();
    const std::vector<const PlanningEntry*> choices = LadderChoices(rotation_ + balance_slot_);
    int liked = 0;
    for (const PlanningEntry* choice : choices) liked += candidates_.IsDisliked(*choice) ? 0 : 1;
    const int available = liked > 0 ? liked : static_cast<int>(choices.size());
    const int count = std::clamp(minutes / balance.minutes_per_exercise(), 1,
                                 std::min(balance.max_exercises_per_day(), available));
    int given = 0;
    for (int k = 0; k < count; ++k) {
      const int share = k + 1 == count ? minutes - given : minutes / count;
      v1::PlanItem item = items_.AtCatalogDose(*choices[k], balance.text(), share);
      given += share;
      MarkLadderItem(item, *choices[k]->exercise, step_, balance);
      AddCitation(basis_.plan_rules.Citation(balance.progression_rule_id()), item.mutable_rules());
      if (basis_.fall_risk) {
        for (const screening_v1::Reason& reason : basis_.inputs.screening_result().fall_risk().reasons()) {
          AddCitation(reason.rule(), item.mutable_rules());
        }
      }
      draft_.Put(day, std::move(item));
    }
    ++balance_slot_;
  }

  void PlaceStrength() {
    const v1::StrengthDose& strength = rules_.strength();
    std::vector<v1::PlanItem>& block_items = draft_.strength_block;
    // One exercise per pattern, the same on every strength day of the week so
    // that its load can progress.
    for (const int pattern : strength.patterns()) {
      auto of_pattern = [pattern](const PlanningEntry& entry) {
        return entry.exercise->movement_pattern() == pattern;
      };
      std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_STRENGTH, of_pattern, rotation_, true);
      if (choices.empty()) {
        draft_.missing_patterns.push_back(absl::StrCat(
            PatternWords(pattern), ": ", candidates_.NothingUsable(v1::COMPONENT_STRENGTH, of_pattern)));
        continue;
      }
      block_items.push_back(items_.Strength(*choices.front()));
    }
    if (block_items.empty()) return;
    int block = 0;
    int smallest = block_items.front().minutes();
    for (const v1::PlanItem& item : block_items) {
      block += item.minutes();
      smallest = std::min(smallest, item.minutes());
    }
    const std::vector<int> chosen =
        SpreadDays(DaysWithRoom(smallest), DaysWithRoom(block), strength.min_days(), true);
    for (const int day : chosen) {
      for (const v1::PlanItem& item : block_items) {
        if (days_[day].left >= item.minutes()) {
          draft_.Put(day, item);
        } else {
          draft_.strength_cut_short = true;
        }
      }
    }
  }

  void PlacePosture() {
    const v1::PostureDose& posture = rules_.posture();
    int slot = 0;
    for (int day = 0; day < kDaysPerWeek; ++day) {
      if (!days_[day].available || days_[day].left < posture.minutes_per_day()) continue;
      if (!AnyUsable(v1::COMPONENT_POSTURE)) return;
      const std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_POSTURE, AnyEntry, rotation_ + slot, false);
      draft_.Put(day, items_.AtCatalogDose(*choices.front(), posture.text(), posture.minutes_per_day()));
      ++slot;
    }
  }

  void PlaceImpact() {
    const v1::ImpactDose& impact = rules_.impact();
    if (!AnyUsable(v1::COMPONENT_IMPACT)) return;
    auto impacts_for = [&](const PlanningEntry& entry) {
      const v1::ExerciseProgression* progression = candidates_.ProgressionOf(entry);
      const int impacts = progression != nullptr && progression->impacts() > 0
                              ? progression->impacts()
                              : impact.start_impacts();
      return std::min(impacts, impact.impacts_per_day());
    };
    auto minutes_for = [&](int impacts) {
      return (impacts + impact.impacts_per_minute() - 1) / impact.impacts_per_minute();
    };
    const std::vector<const PlanningEntry*> first =
        candidates_.Choices(v1::COMPONENT_IMPACT, AnyEntry, rotation_, true);
    const uint32_t eligible = DaysWithRoom(minutes_for(impacts_for(*first.front())));
    int slot = 0;
    for (const int day : SpreadDays(eligible, eligible, impact.min_days(), false)) {
      // A drill with a recorded progression is kept, so that its impacts keep
      // building (PROG-IMPACT); otherwise drills take turns.
      const std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_IMPACT, AnyEntry, rotation_ + slot, true);
      const PlanningEntry& entry = *choices.front();
      const int impacts = impacts_for(entry);
      if (days_[day].left < minutes_for(impacts)) continue;
      v1::PlanItem item = items_.NewItem(entry, impact.text());
      item.mutable_dose()->set_impacts(impacts);
      item.set_minutes(minutes_for(impacts));
      AddCitations(basis_.restrictions.impact_ceiling().rules(), item.mutable_rules());
      if (impacts < impact.impacts_per_day()) {
        AddCitation(basis_.plan_rules.Citation(impact.build_up_rule_id()), item.mutable_rules());
      }
      draft_.Put(day, std::move(item));
      ++slot;
    }
  }

  // IMP-FALLS: the first short walks, on a few days, before strength.
  void PlaceFallRiskWalking() {
    const v1::AerobicDose& aerobic = rules_.weight_bearing();
    if (!AnyUsable(v1::COMPONENT_WEIGHT_BEARING_AEROBIC)) return;
    const uint32_t eligible = DaysWithRoom(aerobic.min_bout_minutes());
    for (const int day : SpreadDays(eligible, eligible, aerobic.fall_risk_first_days(), false)) {
      PlaceWeightBearingBout(day, true);
    }
  }

  void PlaceWeightBearing() {
    const v1::AerobicDose& aerobic = rules_.weight_bearing();
    if (!AnyUsable(v1::COMPONENT_WEIGHT_BEARING_AEROBIC)) return;
    for (int day = 0; day < kDaysPerWeek; ++day) {
      if (!days_[day].available || days_[day].left < aerobic.min_bout_minutes()) continue;
      if (days_[day].Has(v1::COMPONENT_WEIGHT_BEARING_AEROBIC)) continue;
      PlaceWeightBearingBout(day, basis_.fall_risk);
    }
  }

  // One shortest bout; it grows later. `walk` (every bout with a fall-risk
  // flag: IMP-FALLS names walking as the activity that stays) asks for a
  // walk where the restrictions leave one, the person's preferences choosing
  // among the walks; each such bout carries the cue and the rule.
  void PlaceWeightBearingBout(int day, bool walk) {
    const v1::AerobicDose& aerobic = rules_.weight_bearing();
    // An activity with a recorded progression is kept, so that its time
    // grows by the progression's steps; otherwise activities take turns.
    std::vector<const PlanningEntry*> choices;
    if (walk) {
      // IMP-FALLS keeps walking on level ground: the walk patterns the dose
      // data names (balance-challenging entries are excluded by their tag).
      auto walking = [&aerobic](const PlanningEntry& entry) {
        const auto& patterns = aerobic.fall_risk_walk_patterns();
        return std::find(patterns.begin(), patterns.end(), entry.exercise->movement_pattern()) != patterns.end();
      };
      choices = candidates_.Choices(v1::COMPONENT_WEIGHT_BEARING_AEROBIC, walking, rotation_ + aerobic_slot_, true);
    }
    if (choices.empty()) {
      choices =
          candidates_.Choices(v1::COMPONENT_WEIGHT_BEARING_AEROBIC, AnyEntry, rotation_ + aerobic_slot_, true);
    }
    const PlanningEntry& entry = *choices.front();
    const int minutes = aerobic.min_bout_minutes();
    v1::PlanItem item = items_.NewItem(entry, aerobic.text());
    if (!entry.exercise->default_dose().load_guide().empty()) {
      item.mutable_dose()->set_load_guide(entry.exercise->default_dose().load_guide());
    }
    if (candidates_.ProgressionOf(entry) == nullptr) {
      item.add_cues(aerobic.start_cue());
      AddCitation(basis_.plan_rules.Citation(aerobic.start_rule_id()), item.mutable_rules());
    }
    if (basis_.fall_risk) {
      item.add_cues(aerobic.fall_risk_cue());
      AddCitation(basis_.plan_rules.Citation(aerobic.fall_risk_rule_id()), item.mutable_rules());
    }
    item.mutable_dose()->set_minutes(minutes);
    SetMinutes(item, minutes);
    draft_.Put(day, std::move(item));
    ++aerobic_slot_;
  }

  void TopUpBalance() {
    const v1::BalanceDose& balance = rules_.balance();
    for (DraftDay& day : days_) {
      if (!day.Has(v1::COMPONENT_BALANCE)) continue;
      const int room = std::min(day.left, balance.minutes_per_day() - day.MinutesOf(v1::COMPONENT_BALANCE));
      if (room <= 0) continue;
      v1::PlanItem& item = day.items[v1::COMPONENT_BALANCE].front();  // the week's own ladder level
      SetMinutes(item, item.minutes() + room);
      day.left -= room;
    }
  }

  // DOSE-BALANCE counts the week's minutes (about 2 hours): balance joins
  // other days with time left, then balance days grow to their longest.
  void GrowBalanceTowardsWeek() {
    const v1::BalanceDose& balance = rules_.balance();
    if (!candidates_.Any(v1::COMPONENT_BALANCE) || !draft_.obstacles[v1::COMPONENT_BALANCE].empty()) return;
    int week = 0;
    for (const DraftDay& day : days_) week += day.MinutesOf(v1::COMPONENT_BALANCE);
    for (int day = 0; day < kDaysPerWeek && week < balance.weekly_minutes(); ++day) {
      if (!days_[day].available || days_[day].Has(v1::COMPONENT_BALANCE)) continue;
      const int minutes =
          std::min({days_[day].left, balance.minutes_per_day(), balance.weekly_minutes() - week});
      if (minutes < balance.min_minutes()) continue;
      PlaceBalanceBlock(day, minutes);
      week += minutes;
    }
    for (DraftDay& day : days_) {
      if (week >= balance.weekly_minutes()) return;
      if (!day.Has(v1::COMPONENT_BALANCE)) continue;
      const int room = std::min({day.left, balance.max_minutes_per_day() - day.MinutesOf(v1::COMPONENT_BALANCE),
                                 balance.weekly_minutes() - week});
      if (room <= 0) continue;
      v1::PlanItem& item = day.items[v1::COMPONENT_BALANCE].front();  // the week's own ladder level
      SetMinutes(item, item.minutes() + room);
      day.left -= room;
      week += room;
    }
  }

  // Each bout grows to the minutes progress recorded for the activity, or,
  // with nothing recorded, to the starting bout (PROG-START). Never past
  // them: weekly volume rises only by progress's steps (PROG-VOLUME).
  void TopUpWeightBearing() {
    const v1::AerobicDose& aerobic = rules_.weight_bearing();
    for (DraftDay& day : days_) {
      if (!day.Has(v1::COMPONENT_WEIGHT_BEARING_AEROBIC)) continue;
      v1::PlanItem& item = day.items[v1::COMPONENT_WEIGHT_BEARING_AEROBIC].back();
      const v1::ExerciseProgression* progression = candidates_.ProgressionOf(item.exercise_id());
      const bool progressed = progression != nullptr && progression->minutes() > 0;
      const int start = basis_.fall_risk ? aerobic.fall_risk_start_minutes() : aerobic.start_minutes();
      const int wanted = progressed ? std::min(progression->minutes(), 2 * aerobic.minutes_per_day()) : start;
      if (wanted < aerobic.minutes_per_day()) draft_.aerobic_building = true;
      const int room = std::min(day.left, wanted - item.minutes());
      if (room > 0) {
        SetMinutes(item, item.minutes() + room);
        day.left -= room;
      }
    }
  }

  void PlaceFlexibility() {
    const v1::FlexibilityDose& flexibility = rules_.flexibility();
    if (!AnyUsable(v1::COMPONENT_FLEXIBILITY)) return;
    // After each strength session; with no strength day, after the first
    // session that has room.
    int slot = 0;
    bool any_strength = false;
    for (const DraftDay& day : days_) any_strength |= day.Has(v1::COMPONENT_STRENGTH);
    for (int day = 0; day < kDaysPerWeek; ++day) {
      const DraftDay& today = days_[day];
      const bool after = any_strength ? today.Has(v1::COMPONENT_STRENGTH) : (slot == 0 && today.HasAnyItem());
      if (!after || today.left < flexibility.minutes()) continue;
      const std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_FLEXIBILITY, AnyEntry, rotation_ + slot, false);
      draft_.Put(day, items_.AtCatalogDose(*choices.front(), flexibility.text(), flexibility.minutes()));
      ++slot;
    }
  }

  const PlanBasis& basis_;
  const v1::PlanRulesDocument& rules_;
  const ExerciseCandidates& candidates_;
  const PlanItemWriter items_;
  PlanDraft& draft_;
  std::array<DraftDay, kDaysPerWeek>& days_;
  const int rotation_;
  // The week's rung on the PROG-BALANCE ladder.
  const BalanceStep step_;
  // How many balance blocks and weight-bearing bouts were placed, so that
  // equal choices take turns across days.
  int balance_slot_ = 0;
  int aerobic_slot_ = 0;
};

}  // namespace

void PlaceWeek(const PlanBasis& basis, const ExerciseCandidates& candidates, PlanDraft& draft) {
  WeekPlacer placer(basis, candidates, draft);
  for (const v1::Component component : basis.order) placer.PlaceSmallestDose(component);
  for (const v1::Component component : basis.order) placer.GrowToFullDose(component);
  placer.PlaceEnjoyedNonWeightBearing();
}

}  // namespace osteoflow::scheduling

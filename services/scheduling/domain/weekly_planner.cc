#include "services/scheduling/domain/weekly_planner.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/text/identifiers.h"
#include "services/catalog/domain/restriction_match.h"
#include "services/scheduling/domain/day_spread.h"
#include "services/scheduling/domain/plan_candidates.h"
#include "services/scheduling/domain/plan_wording.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace common = osteoflow::common::v1;
namespace screening_v1 = osteoflow::screening::v1;

constexpr int kDays = 7;

// Item order within a day's session: impacts while fresh, then strength,
// balance and posture; aerobic time; stretching last, while warm.
constexpr std::array<v1::Component, 7> kSessionOrder = {
    v1::COMPONENT_IMPACT,          v1::COMPONENT_STRENGTH,
    v1::COMPONENT_BALANCE,         v1::COMPONENT_POSTURE,
    v1::COMPONENT_WEIGHT_BEARING_AEROBIC, v1::COMPONENT_NON_WEIGHT_BEARING,
    v1::COMPONENT_FLEXIBILITY};

std::string RuleIds(const google::protobuf::RepeatedPtrField<common::RuleCitation>& citations) {
  std::vector<std::string> ids;
  for (const common::RuleCitation& citation : citations) ids.push_back(citation.rule_id());
  return absl::StrJoin(ids, ", ");
}

class WeekPlanner {
 public:
  WeekPlanner(const v1::PlanInputs& inputs, const PlanningCatalog& catalog, const PlanRules& rules)
      : inputs_(inputs),
        catalog_(catalog),
        rules_(rules.document()),
        plan_rules_(rules),
        restrictions_(inputs.screening_result().restrictions()),
        fall_risk_(inputs.screening_result().fall_risk().flagged()),
        order_(PriorityOrder(fall_risk_)),
        candidates_(inputs, catalog, rules.document()) {
    absl::CivilDay start;
    ParseIsoDate(inputs.week_start_date(), &start);  // validated by the caller
    uint32_t available = 0;
    for (const int weekday : inputs.preferences().available_days()) available |= 1u << weekday;
    for (int i = 0; i < kDays; ++i) {
      Day& day = days_[i];
      day.date = start + i;
      // absl numbers Monday 0; the contract numbers it 1, as ISO 8601 does.
      day.weekday = static_cast<v1::Weekday>(static_cast<int>(absl::GetWeekday(day.date)) + 1);
      day.available = (available & (1u << day.weekday)) != 0;
      day.left = day.available ? inputs.preferences().minutes_per_day() : 0;
    }
    // Variety from week to week without randomness: the week index turns the
    // order in which equal choices are taken.
    rotation_ = inputs.week_index() > 0 ? inputs.week_index() - 1 : 0;
  }

  v1::WeeklyPlan Build() {
    // First every component's smallest worthwhile dose, in priority order;
    // then, in the same order, each grows towards its full daily dose.
    for (const v1::Component component : order_) PlaceSmallestDose(component);
    for (const v1::Component component : order_) GrowToFullDose(component);
    PlaceEnjoyedNonWeightBearing();
    return Assemble();
  }

 private:
  struct Day {
    absl::CivilDay date;
    v1::Weekday weekday = v1::WEEKDAY_UNSPECIFIED;
    bool available = false;
    int left = 0;
    std::array<std::vector<v1::PlanItem>, v1::Component_ARRAYSIZE> items;

    int MinutesOf(v1::Component component) const {
      int minutes = 0;
      for (const v1::PlanItem& item : items[component]) minutes += item.minutes();
      return minutes;
    }
    bool Has(v1::Component component) const { return !items[component].empty(); }
  };

  // --- items ----------------------------------------------------------------

  v1::PlanItem NewItem(const PlanningEntry& entry, const v1::ComponentText& text) const {
    v1::PlanItem item;
    const catalog_v1::Exercise& exercise = *entry.exercise;
    item.set_exercise(exercise.name());
    item.set_exercise_id(exercise.id());
    item.set_display_name(exercise.display_name());
    item.set_component(entry.component);
    item.set_tempo(text.tempo());
    for (const std::string& cue : exercise.cues()) item.add_cues(cue);
    for (const std::string& cue : text.cues()) item.add_cues(cue);
    AddCitation(plan_rules_.Citation(text.rule_id()), item.mutable_rules());
    // Swimming and cycling never count as weight-bearing (rule NWB).
    item.set_counts_as_weight_bearing(exercise.weight_bearing() &&
                                      entry.component != v1::COMPONENT_NON_WEIGHT_BEARING);
    for (const v1::RestrictionCue& cue : rules_.restriction_cues()) {
      if (std::find(cue.categories().begin(), cue.categories().end(), exercise.category()) ==
          cue.categories().end()) {
        continue;
      }
      for (const common::TagExclusion& exclusion : restrictions_.excluded_tags()) {
        if (exclusion.tag() != cue.tag()) continue;
        item.add_cues(cue.cue());
        AddCitations(exclusion.rules(), item.mutable_rules());
      }
    }
    return item;
  }

  // The time an item is given; a timed dose (Tai Chi's 20 minutes) says the
  // same, never more than the day holds.
  static void SetMinutes(v1::PlanItem& item, int minutes) {
    item.set_minutes(minutes);
    if (item.dose().has_minutes()) item.mutable_dose()->set_minutes(minutes);
  }

  void Put(int day, v1::PlanItem item) {
    days_[day].left -= item.minutes();
    const v1::Component component = item.component();
    days_[day].items[component].push_back(std::move(item));
  }

  // --- components, in priority order ---------------------------------------

  // RULES.md §5 ranks balance for fall-risk patients, strength, impact and
  // weight-bearing minutes; balance otherwise, posture and stretching follow.
  static std::vector<v1::Component> PriorityOrder(bool fall_risk) {
    std::vector<v1::Component> order;
    if (fall_risk) order.push_back(v1::COMPONENT_BALANCE);
    order.insert(order.end(),
                 {v1::COMPONENT_STRENGTH, v1::COMPONENT_IMPACT, v1::COMPONENT_WEIGHT_BEARING_AEROBIC});
    if (!fall_risk) order.push_back(v1::COMPONENT_BALANCE);
    order.insert(order.end(), {v1::COMPONENT_POSTURE, v1::COMPONENT_FLEXIBILITY});
    return order;
  }

  void PlaceSmallestDose(v1::Component component) {
    const v1::BalanceDose& balance = rules_.balance();
    switch (component) {
      case v1::COMPONENT_BALANCE:
        // With a fall-risk flag balance comes first whole, not only its minimum.
        if (fall_risk_) {
          PlaceBalance(balance.fall_risk_min_days(), balance.minutes_per_day());
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

  // Strength, impact, posture and stretching are placed whole; balance (when
  // not already whole) and weight-bearing bouts grow to their daily dose.
  void GrowToFullDose(v1::Component component) {
    if (component == v1::COMPONENT_WEIGHT_BEARING_AEROBIC) TopUpWeightBearing();
    if (component == v1::COMPONENT_BALANCE && !fall_risk_) TopUpBalance();
  }

  void PlaceBalance(int wanted_days, int block_minutes) {
    const v1::BalanceDose& balance = rules_.balance();
    balance_days_wanted_ = wanted_days;
    auto any = [](const PlanningEntry&) { return true; };
    auto is_static = [](const PlanningEntry& entry) {
      return entry.exercise->movement_pattern() == catalog_v1::MOVEMENT_PATTERN_STATIC_BALANCE;
    };
    // PROG-BALANCE: static stances first; dynamic work joins after the first weeks.
    const bool static_only = inputs_.week_index() <= balance.static_weeks();
    uint32_t eligible = 0;
    for (int i = 0; i < kDays; ++i) {
      if (days_[i].left >= balance.min_minutes()) eligible |= 1u << i;
    }
    const std::vector<int> chosen = SpreadDays(eligible, eligible, wanted_days, false);
    if (candidates_.Choices(v1::COMPONENT_BALANCE, any, 0, false).empty()) {
      balance_obstacle_ = candidates_.NothingUsable(v1::COMPONENT_BALANCE, any);
      return;
    }
    int slot = 0;
    for (const int day : chosen) {
      const int minutes = std::min(block_minutes, days_[day].left);
      std::vector<const PlanningEntry*> choices =
          static_only ? candidates_.Choices(v1::COMPONENT_BALANCE, is_static, rotation_ + slot, false)
                      : candidates_.Choices(v1::COMPONENT_BALANCE, any, rotation_ + slot, false);
      if (choices.empty()) choices = candidates_.Choices(v1::COMPONENT_BALANCE, any, rotation_ + slot, false);
      // A disliked exercise only when nothing else is left to choose (then
      // fewer, longer ones rather than the disliked one).
      int liked = 0;
      for (const PlanningEntry* choice : choices) liked += candidates_.IsDisliked(*choice) ? 0 : 1;
      const int available = liked > 0 ? liked : static_cast<int>(choices.size());
      const int count = std::clamp(minutes / balance.minutes_per_exercise(), 1,
                                   std::min(balance.max_exercises_per_day(), available));
      int given = 0;
      for (int k = 0; k < count; ++k) {
        v1::PlanItem item = NewItem(*choices[k], balance.text());
        *item.mutable_dose() = choices[k]->exercise->default_dose();
        const int share = k + 1 == count ? minutes - given : minutes / count;
        SetMinutes(item, share);
        given += share;
        if (fall_risk_) {
          for (const screening_v1::Reason& reason : inputs_.screening_result().fall_risk().reasons()) {
            AddCitation(reason.rule(), item.mutable_rules());
          }
        }
        if (static_only) AddCitation(plan_rules_.Citation(balance.progression_rule_id()), item.mutable_rules());
        Put(day, std::move(item));
      }
      ++slot;
    }
  }

  void PlaceStrength() {
    const v1::StrengthDose& strength = rules_.strength();
    // One exercise per pattern, the same on every strength day of the week so
    // that its load can progress.
    for (const int pattern : strength.patterns()) {
      auto of_pattern = [pattern](const PlanningEntry& entry) {
        return entry.exercise->movement_pattern() == pattern;
      };
      std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_STRENGTH, of_pattern, rotation_, true);
      if (choices.empty()) {
        missing_patterns_.push_back(
            absl::StrCat(PatternWords(pattern), ": ", candidates_.NothingUsable(v1::COMPONENT_STRENGTH, of_pattern)));
        continue;
      }
      strength_items_.push_back(StrengthItem(*choices.front()));
    }
    if (strength_items_.empty()) return;
    int block = 0;
    int smallest = strength_items_.front().minutes();
    for (const v1::PlanItem& item : strength_items_) {
      block += item.minutes();
      smallest = std::min(smallest, item.minutes());
    }
    uint32_t fits_block = 0, fits_one = 0;
    for (int i = 0; i < kDays; ++i) {
      if (days_[i].left >= block) fits_block |= 1u << i;
      if (days_[i].left >= smallest) fits_one |= 1u << i;
    }
    const std::vector<int> chosen = SpreadDays(fits_one, fits_block, strength.min_days(), true);
    for (const int day : chosen) {
      for (const v1::PlanItem& item : strength_items_) {
        if (days_[day].left >= item.minutes()) {
          Put(day, item);
        } else {
          strength_cut_short_ = true;
        }
      }
    }
  }

  v1::PlanItem StrengthItem(const PlanningEntry& entry) const {
    const v1::StrengthDose& strength = rules_.strength();
    v1::PlanItem item = NewItem(entry, strength.text());
    AddCitation(plan_rules_.Citation(strength.dose_rule_id()), item.mutable_rules());
    const catalog_v1::Exercise& exercise = *entry.exercise;
    const v1::ExerciseProgression* progression = candidates_.ProgressionOf(entry);
    common::SetsReps* sets_reps = item.mutable_dose()->mutable_sets_reps();
    const common::SetsReps& usual = exercise.default_dose().sets_reps();
    const bool has_usual = exercise.default_dose().has_sets_reps();
    sets_reps->set_sets(std::clamp(progression != nullptr && progression->sets() > 0
                                       ? progression->sets()
                                       : strength.start_sets(),
                                   1, strength.max_sets()));
    if (progression != nullptr && progression->reps() > 0) {
      // Progress passes reps within the exercise's range (PROG-LOAD moves
      // past its top by adding load instead); anything else is held to it.
      const int low = has_usual ? usual.reps_min() : strength.reps_min();
      const int high = has_usual ? usual.reps_max() : strength.reps_max();
      const int reps = std::clamp(progression->reps(), low, high);
      sets_reps->set_reps_min(reps);
      sets_reps->set_reps_max(reps);
    } else {
      sets_reps->set_reps_min(has_usual ? usual.reps_min() : strength.reps_min());
      sets_reps->set_reps_max(has_usual ? usual.reps_max() : strength.reps_max());
    }
    sets_reps->set_hold_seconds(usual.hold_seconds());
    sets_reps->set_per_side(usual.per_side());
    if (!exercise.default_dose().load_guide().empty()) {
      item.mutable_dose()->set_load_guide(exercise.default_dose().load_guide());
    } else if (!exercise.equipment().empty()) {
      item.mutable_dose()->set_load_guide(strength.load_guide());
    }
    if (progression != nullptr) {
      item.set_load_kg(progression->load_kg());
    } else {
      item.add_cues(strength.start_cue());
      AddCitation(plan_rules_.Citation(strength.start_rule_id()), item.mutable_rules());
    }
    int load_cap = restrictions_.load_cap().max_percent_one_rep_max();
    if (load_cap == 0 || load_cap > strength.unsupervised_max_percent_one_rep_max()) {
      load_cap = strength.unsupervised_max_percent_one_rep_max();
    }
    if (!item.dose().load_guide().empty()) {
      item.add_cues(absl::StrCat("Keep the load below ", load_cap + 1,
                                 "% of the most you could lift once."));
      AddCitations(restrictions_.load_cap().rules(), item.mutable_rules());
      AddCitation(plan_rules_.Citation(strength.unsupervised_rule_id()), item.mutable_rules());
    }
    item.set_minutes(sets_reps->sets() * strength.minutes_per_set());
    return item;
  }

  void PlacePosture() {
    const v1::PostureDose& posture = rules_.posture();
    auto any = [](const PlanningEntry&) { return true; };
    int slot = 0;
    for (int day = 0; day < kDays; ++day) {
      if (!days_[day].available || days_[day].left < posture.minutes_per_day()) continue;
      const std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_POSTURE, any, rotation_ + slot, false);
      if (choices.empty()) {
        posture_obstacle_ = candidates_.NothingUsable(v1::COMPONENT_POSTURE, any);
        return;
      }
      v1::PlanItem item = NewItem(*choices.front(), posture.text());
      *item.mutable_dose() = choices.front()->exercise->default_dose();
      SetMinutes(item, posture.minutes_per_day());
      Put(day, std::move(item));
      ++slot;
    }
  }

  void PlaceImpact() {
    const v1::ImpactDose& impact = rules_.impact();
    auto any = [](const PlanningEntry&) { return true; };
    const std::vector<const PlanningEntry*> first = candidates_.Choices(v1::COMPONENT_IMPACT, any, rotation_, true);
    if (first.empty()) {
      impact_obstacle_ = candidates_.NothingUsable(v1::COMPONENT_IMPACT, any);
      return;
    }
    uint32_t eligible = 0;
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
    const int need = minutes_for(impacts_for(*first.front()));
    for (int i = 0; i < kDays; ++i) {
      if (days_[i].left >= need) eligible |= 1u << i;
    }
    int slot = 0;
    for (const int day : SpreadDays(eligible, eligible, impact.min_days(), false)) {
      // A drill with a recorded progression is kept, so that its impacts keep
      // building (PROG-IMPACT); otherwise drills take turns.
      const std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_IMPACT, any, rotation_ + slot, true);
      const PlanningEntry& entry = *choices.front();
      const int impacts = impacts_for(entry);
      if (days_[day].left < minutes_for(impacts)) continue;
      v1::PlanItem item = NewItem(entry, impact.text());
      item.mutable_dose()->set_impacts(impacts);
      item.set_minutes(minutes_for(impacts));
      AddCitations(restrictions_.impact_ceiling().rules(), item.mutable_rules());
      if (impacts < impact.impacts_per_day()) {
        AddCitation(plan_rules_.Citation(impact.build_up_rule_id()), item.mutable_rules());
      }
      Put(day, std::move(item));
      ++slot;
    }
  }

  void PlaceWeightBearing() {
    const v1::AerobicDose& aerobic = rules_.weight_bearing();
    auto any = [](const PlanningEntry&) { return true; };
    if (candidates_.Choices(v1::COMPONENT_WEIGHT_BEARING_AEROBIC, any, 0, false).empty()) {
      aerobic_obstacle_ = candidates_.NothingUsable(v1::COMPONENT_WEIGHT_BEARING_AEROBIC, any);
      return;
    }
    int slot = 0;
    for (int day = 0; day < kDays; ++day) {
      if (!days_[day].available || days_[day].left < aerobic.min_bout_minutes()) continue;
      // An activity with a recorded progression is kept, so that its time
      // grows by the progression's steps; otherwise activities take turns.
      const std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_WEIGHT_BEARING_AEROBIC, any, rotation_ + slot, true);
      const PlanningEntry& entry = *choices.front();
      const v1::ExerciseProgression* progression = candidates_.ProgressionOf(entry);
      const int minutes = aerobic.min_bout_minutes();
      v1::PlanItem item = NewItem(entry, aerobic.text());
      if (!entry.exercise->default_dose().load_guide().empty()) {
        item.mutable_dose()->set_load_guide(entry.exercise->default_dose().load_guide());
      }
      if (progression == nullptr) {
        item.add_cues(aerobic.start_cue());
        AddCitation(plan_rules_.Citation(aerobic.start_rule_id()), item.mutable_rules());
      }
      item.mutable_dose()->set_minutes(minutes);
      SetMinutes(item, minutes);
      Put(day, std::move(item));
      ++slot;
    }
  }

  void TopUpBalance() {
    const v1::BalanceDose& balance = rules_.balance();
    for (Day& day : days_) {
      if (day.items[v1::COMPONENT_BALANCE].empty()) continue;
      const int room = std::min(day.left, balance.minutes_per_day() - day.MinutesOf(v1::COMPONENT_BALANCE));
      if (room <= 0) continue;
      v1::PlanItem& item = day.items[v1::COMPONENT_BALANCE].back();
      SetMinutes(item, item.minutes() + room);
      day.left -= room;
    }
  }

  // Each bout grows to the minutes progress recorded for the activity, or,
  // with nothing recorded, to the starting bout (PROG-START). Never past
  // them: weekly volume rises only by progress's steps (PROG-VOLUME).
  void TopUpWeightBearing() {
    const v1::AerobicDose& aerobic = rules_.weight_bearing();
    for (Day& day : days_) {
      if (day.items[v1::COMPONENT_WEIGHT_BEARING_AEROBIC].empty()) continue;
      v1::PlanItem& item = day.items[v1::COMPONENT_WEIGHT_BEARING_AEROBIC].back();
      const v1::ExerciseProgression* progression = candidates_.ProgressionOf(item.exercise_id());
      const bool progressed = progression != nullptr && progression->minutes() > 0;
      const int wanted = progressed ? std::min(progression->minutes(), 2 * aerobic.minutes_per_day())
                                    : aerobic.start_minutes();
      if (wanted < aerobic.minutes_per_day()) aerobic_building_ = true;
      const int room = std::min(day.left, wanted - item.minutes());
      if (room > 0) {
        SetMinutes(item, item.minutes() + room);
        day.left -= room;
      }
    }
  }

  void PlaceFlexibility() {
    const v1::FlexibilityDose& flexibility = rules_.flexibility();
    auto any = [](const PlanningEntry&) { return true; };
    const std::vector<const PlanningEntry*> some = candidates_.Choices(v1::COMPONENT_FLEXIBILITY, any, 0, false);
    if (some.empty()) {
      flexibility_obstacle_ = candidates_.NothingUsable(v1::COMPONENT_FLEXIBILITY, any);
      return;
    }
    // After each strength session; with no strength day, after the first
    // session that has room.
    int slot = 0;
    bool any_strength = false;
    for (int day = 0; day < kDays; ++day) any_strength |= days_[day].Has(v1::COMPONENT_STRENGTH);
    for (int day = 0; day < kDays; ++day) {
      Day& today = days_[day];
      const bool after =
          any_strength ? today.Has(v1::COMPONENT_STRENGTH) : (slot == 0 && HasAnyItem(today));
      if (!after || today.left < flexibility.minutes()) continue;
      const std::vector<const PlanningEntry*> choices =
          candidates_.Choices(v1::COMPONENT_FLEXIBILITY, any, rotation_ + slot, false);
      v1::PlanItem item = NewItem(*choices.front(), flexibility.text());
      *item.mutable_dose() = choices.front()->exercise->default_dose();
      SetMinutes(item, flexibility.minutes());
      Put(day, std::move(item));
      ++slot;
    }
  }

  static bool HasAnyItem(const Day& day) {
    for (const auto& items : day.items) {
      if (!items.empty()) return true;
    }
    return false;
  }

  void PlaceEnjoyedNonWeightBearing() {
    const std::vector<const PlanningEntry*> choices = candidates_.Enjoyed(v1::COMPONENT_NON_WEIGHT_BEARING);
    if (choices.empty()) return;
    const catalog::v1::RuleDefinition* nwb = catalog_.catalog().Rule("NWB");
    const int shortest = rules_.weight_bearing().min_bout_minutes();
    int slot = 0;
    for (int day = 0; day < kDays; ++day) {
      if (!days_[day].available || days_[day].left < shortest) continue;
      const PlanningEntry& entry = *choices[slot % choices.size()];
      v1::PlanItem item;
      const catalog_v1::Exercise& exercise = *entry.exercise;
      item.set_exercise(exercise.name());
      item.set_exercise_id(exercise.id());
      item.set_display_name(exercise.display_name());
      item.set_component(v1::COMPONENT_NON_WEIGHT_BEARING);
      item.set_tempo("at an easy to moderate effort");
      for (const std::string& cue : exercise.cues()) item.add_cues(cue);
      if (nwb != nullptr) {
        item.add_cues("Good for fitness; it does not count towards weight-bearing minutes.");
        common::RuleCitation* citation = item.add_rules();
        citation->set_rule_id(nwb->rule_id());
        *citation->mutable_source_keys() = nwb->source_keys();
      }
      const int usual = exercise.default_dose().has_minutes() ? exercise.default_dose().minutes() : shortest;
      const int minutes = std::min(usual, days_[day].left);
      item.mutable_dose()->set_minutes(minutes);
      item.set_minutes(minutes);
      Put(day, std::move(item));
      ++slot;
    }
  }

  // --- the plan -------------------------------------------------------------

  v1::WeeklyPlan Assemble() {
    v1::WeeklyPlan plan;
    plan.set_patient_id(inputs_.patient_id());
    plan.set_week_start_date(inputs_.week_start_date());
    plan.set_week_index(inputs_.week_index());
    for (Day& day : days_) {
      v1::PlanDay* out = plan.add_days();
      out->set_date(absl::FormatCivilTime(day.date));
      out->set_weekday(day.weekday);
      out->set_available(day.available);
      std::vector<std::string> words;
      v1::PlanSession session;
      for (const v1::Component component : kSessionOrder) {
        if (day.items[component].empty()) continue;
        words.push_back(ComponentWords(component));
        for (v1::PlanItem& item : day.items[component]) {
          session.set_minutes(session.minutes() + item.minutes());
          *session.add_items() = std::move(item);
        }
      }
      if (words.empty()) continue;
      const std::string last = words.back();
      words.pop_back();
      session.set_title(Capitalised(
          words.empty() ? last : absl::StrCat(absl::StrJoin(words, ", "), " and ", last)));
      *out->add_sessions() = std::move(session);
    }
    AddTotals(plan);
    const screening_v1::ScreeningResult& screening = inputs_.screening_result();
    *plan.mutable_banners()->mutable_clearance() = screening.clearance();
    *plan.mutable_banners()->mutable_supervision() = screening.supervision();
    *plan.mutable_banners()->mutable_fall_risk() = screening.fall_risk();
    plan.set_rule_set_version(screening.rule_set_version());
    plan.set_catalog_version(catalog_.catalog().version());
    plan.set_catalog_digest(catalog_.catalog().content_digest());
    plan.set_plan_rules_version(plan_rules_.version());
    return plan;
  }

  struct Tally {
    int days = 0;
    int minutes = 0;
    int impacts = 0;
    int full_days = 0;  // days holding the whole daily dose
    uint32_t day_mask = 0;
  };

  Tally Count(const v1::WeeklyPlan& plan, v1::Component component, int full_minutes,
              int full_impacts) const {
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

  int AvailableDays() const {
    int count = 0;
    for (const Day& day : days_) count += day.available ? 1 : 0;
    return count;
  }

  // Components placed before `component` in this plan's priority order.
  std::string HigherPriorities(v1::Component component) const {
    std::vector<std::string> before;
    for (const v1::Component earlier : order_) {
      if (earlier == component) break;
      before.push_back(ComponentWords(earlier));
    }
    // Balance without a fall-risk flag grows past its minimum only after
    // every component's smallest dose, posture and stretching included.
    if (component == v1::COMPONENT_BALANCE && !fall_risk_) {
      before.push_back("the smallest doses of posture and stretching");
    }
    return absl::StrJoin(before, ", ");
  }

  // The reason for a target missed on days or minutes, given what one day of
  // the component needs.
  std::string TimeReason(v1::Component component, int days_needed, int minutes_needed) const {
    const int available = AvailableDays();
    if (available < days_needed) {
      return absl::StrCat("only ", available, " available day", available == 1 ? "" : "s",
                          " a week; the target needs ", days_needed);
    }
    if (inputs_.preferences().minutes_per_day() < minutes_needed) {
      return absl::StrCat(inputs_.preferences().minutes_per_day(),
                          " minutes a day is less than the ", minutes_needed,
                          " this needs on each of its days");
    }
    if (component == v1::COMPONENT_WEIGHT_BEARING_AEROBIC && aerobic_building_) {
      return absl::StrCat("building up: bouts start at ", rules_.weight_bearing().start_minutes(),
                          " minutes (", rules_.weight_bearing().start_rule_id(),
                          ") and grow only as progress records (PROG-VOLUME)");
    }
    const std::string before = HigherPriorities(component);
    if (before.empty()) {
      return absl::StrCat(inputs_.preferences().minutes_per_day(),
                          " minutes a day do not hold the target on enough of the available days");
    }
    return absl::StrCat("time given to higher priorities (", before, ")");
  }

  void Report(v1::WeeklyPlan& plan, v1::Component component, const v1::ComponentText& text,
              const Tally& tally, bool met, const std::string& planned, const std::string& reason) {
    v1::ComponentTotal* total = plan.add_totals();
    total->set_component(component);
    total->set_days(tally.days);
    total->set_minutes(tally.minutes);
    total->set_impacts(tally.impacts);
    total->set_target(text.target());
    total->set_met(met);
    *total->mutable_rule() = plan_rules_.Citation(text.rule_id());
    if (met) return;
    v1::Shortfall* shortfall = plan.add_shortfalls();
    shortfall->set_component(component);
    *shortfall->mutable_rule() = total->rule();
    shortfall->set_target(text.target());
    shortfall->set_planned(planned);
    shortfall->set_reason(reason);
  }

  static std::string DaysAndMinutes(const Tally& tally) {
    return absl::StrCat(tally.days, " day", tally.days == 1 ? "" : "s", ", ", tally.minutes, " minutes");
  }

  void AddTotals(v1::WeeklyPlan& plan) {
    // Strength.
    const v1::StrengthDose& strength = rules_.strength();
    int block = 0;
    for (const v1::PlanItem& item : strength_items_) block += item.minutes();
    const Tally strength_tally = Count(plan, v1::COMPONENT_STRENGTH, block, 0);
    {
      const bool all_patterns = missing_patterns_.empty() && !strength_cut_short_;
      const bool met = strength_tally.days >= strength.min_days() &&
                       strength_tally.days <= strength.max_days() && all_patterns &&
                       !HasNeighbours(strength_tally.day_mask);
      std::string reason;
      if (!missing_patterns_.empty()) {
        reason = absl::StrCat("patterns not planned: ", absl::StrJoin(missing_patterns_, "; "));
      } else if (strength_tally.days < strength.min_days()) {
        const int non_consecutive = static_cast<int>(
            SpreadDays(AvailableMask(), AvailableMask(), strength.max_days(), true).size());
        reason = non_consecutive < strength.min_days()
                     ? absl::StrCat("the available days allow only ", non_consecutive,
                                    " strength day", non_consecutive == 1 ? "" : "s",
                                    " without two in a row")
                     : TimeReason(v1::COMPONENT_STRENGTH, strength.min_days(), block);
      } else {
        reason = TimeReason(v1::COMPONENT_STRENGTH, strength.min_days(), block);
      }
      Report(plan, v1::COMPONENT_STRENGTH, strength.text(), strength_tally, met,
             absl::StrCat(DaysAndMinutes(strength_tally), ", ", strength_tally.full_days,
                          " with every pattern"),
             reason);
    }
    // Posture: every day.
    {
      const v1::PostureDose& posture = rules_.posture();
      const Tally tally = Count(plan, v1::COMPONENT_POSTURE, posture.minutes_per_day(), 0);
      Report(plan, v1::COMPONENT_POSTURE, posture.text(), tally, tally.full_days == kDays,
             DaysAndMinutes(tally),
             !posture_obstacle_.empty() ? posture_obstacle_
                                        : TimeReason(v1::COMPONENT_POSTURE, kDays, posture.minutes_per_day()));
    }
    // Impact.
    {
      const v1::ImpactDose& impact = rules_.impact();
      const Tally tally = Count(plan, v1::COMPONENT_IMPACT, 0, impact.impacts_per_day());
      const int per_minute = impact.impacts_per_minute();
      const int need = (impact.start_impacts() + per_minute - 1) / per_minute;
      std::string reason;
      if (!impact_obstacle_.empty()) {
        reason = impact_obstacle_;
      } else if (tally.days < impact.min_days()) {
        reason = TimeReason(v1::COMPONENT_IMPACT, impact.min_days(), need);
      } else {
        reason = absl::StrCat("building up towards ", impact.impacts_per_day(), " a day (",
                              impact.build_up_rule_id(), ")");
      }
      Report(plan, v1::COMPONENT_IMPACT, impact.text(), tally, tally.full_days >= impact.min_days(),
             absl::StrCat(tally.days, " day", tally.days == 1 ? "" : "s", ", ", tally.impacts, " impacts"),
             reason);
    }
    // Balance.
    {
      const v1::BalanceDose& balance = rules_.balance();
      const Tally tally = Count(plan, v1::COMPONENT_BALANCE, balance.minutes_per_day(), 0);
      Report(plan, v1::COMPONENT_BALANCE, balance.text(), tally, tally.full_days >= balance_days_wanted_,
             DaysAndMinutes(tally),
             !balance_obstacle_.empty()
                 ? balance_obstacle_
                 : TimeReason(v1::COMPONENT_BALANCE, balance_days_wanted_, balance.minutes_per_day()));
    }
    // Weight-bearing minutes.
    {
      const v1::AerobicDose& aerobic = rules_.weight_bearing();
      const Tally tally = Count(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC, aerobic.minutes_per_day(), 0);
      const bool met = tally.full_days >= aerobic.min_days() && tally.minutes >= aerobic.weekly_minutes();
      Report(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC, aerobic.text(), tally, met,
             DaysAndMinutes(tally),
             !aerobic_obstacle_.empty()
                 ? aerobic_obstacle_
                 : TimeReason(v1::COMPONENT_WEIGHT_BEARING_AEROBIC, aerobic.min_days(),
                              aerobic.minutes_per_day()));
    }
    // Stretching after each strength session.
    {
      const v1::FlexibilityDose& flexibility = rules_.flexibility();
      const Tally tally = Count(plan, v1::COMPONENT_FLEXIBILITY, flexibility.minutes(), 0);
      const int wanted = std::max(1, strength_tally.days);
      Report(plan, v1::COMPONENT_FLEXIBILITY, flexibility.text(), tally, tally.days >= wanted,
             DaysAndMinutes(tally),
             !flexibility_obstacle_.empty()
                 ? flexibility_obstacle_
                 : TimeReason(v1::COMPONENT_FLEXIBILITY, wanted, flexibility.minutes()));
    }
  }

  uint32_t AvailableMask() const {
    uint32_t mask = 0;
    for (int i = 0; i < kDays; ++i) mask |= days_[i].available ? 1u << i : 0;
    return mask;
  }

  const v1::PlanInputs& inputs_;
  const PlanningCatalog& catalog_;
  const v1::PlanRulesDocument& rules_;
  const PlanRules& plan_rules_;
  const common::Restrictions& restrictions_;
  const bool fall_risk_;
  const std::vector<v1::Component> order_;
  const ExerciseCandidates candidates_;
  int rotation_ = 0;
  std::array<Day, kDays> days_;

  std::vector<v1::PlanItem> strength_items_;
  std::vector<std::string> missing_patterns_;
  bool strength_cut_short_ = false;
  int balance_days_wanted_ = 0;
  bool aerobic_building_ = false;
  std::string balance_obstacle_, posture_obstacle_, impact_obstacle_, aerobic_obstacle_,
      flexibility_obstacle_;
};

}  // namespace

absl::Status ReferralStatus(const screening_v1::ScreeningResult& screening) {
  std::vector<std::string> reasons;
  for (const screening_v1::RedFlag& flag : screening.red_flags()) {
    reasons.push_back(absl::StrCat(flag.rule().rule_id(), ": ", flag.finding()));
  }
  if (reasons.empty()) reasons.push_back(RuleIds(screening.outcome_rules()));
  // Status messages travel in trailers: keep this one well inside their limit.
  constexpr size_t kMaxReasons = 1000;
  std::string joined = absl::StrJoin(reasons, "; ");
  if (joined.size() > kMaxReasons) joined = absl::StrCat(joined.substr(0, kMaxReasons), "...");
  return absl::FailedPreconditionError(absl::StrCat(
      "the screening refers this person on before exercise; no plan is made (", joined, ")"));
}

absl::StatusOr<v1::WeeklyPlan> BuildWeeklyPlan(const v1::PlanInputs& inputs,
                                               const PlanningCatalog& catalog,
                                               const PlanRules& rules) {
  if (inputs.screening_result().outcome() == screening_v1::OUTCOME_REFER) {
    return ReferralStatus(inputs.screening_result());
  }
  return WeekPlanner(inputs, catalog, rules).Build();
}

}  // namespace osteoflow::scheduling

// Property tests of the weekly planner: generated screenings and weeks (fixed
// seed, so every run sees the same cases), each plan checked for safety,
// completeness of its reporting, the shape of its week and determinism.
#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/catalog/catalog_file.h"
#include "libs/catalog/restriction_match.h"
#include "services/scheduling/domain/plan_inputs.h"
#include "services/scheduling/domain/plan_rules.h"
#include "services/scheduling/domain/planning_catalog.h"
#include "services/scheduling/domain/weekly_planner.h"
#include "tests/support/restrictions.h"
#include "tests/support/test_catalog.h"
#include "tests/unit/scheduling/shipped_data.h"

namespace osteoflow::scheduling {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
namespace common = osteoflow::common::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace screening_v1 = osteoflow::screening::v1;

constexpr int kCases = 1500;
constexpr uint32_t kSeed = 20261102;


// --- an independent calendar (days since 1970-01-01, Hinnant's algorithm) ----

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char text[48];
  std::snprintf(text, sizeof(text), "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
  return text;
}

// ISO weekday, Monday 1 .. Sunday 7. 1970-01-01 was a Thursday.
int IsoWeekday(int64_t days) {
  const int64_t from_monday = ((days + 3) % 7 + 7) % 7;
  return static_cast<int>(from_monday) + 1;
}

// --- generation -------------------------------------------------------------------

common::RuleCitation Cite(const std::string& id) {
  common::RuleCitation citation;
  citation.set_rule_id(id);
  citation.add_source_keys("SEED-001");
  return citation;
}

std::string TagRule(int tag) {
  if (tag == common::SAFETY_TAG_BALANCE_CHALLENGE) return "IMP-FALLS";
  std::string id = common::SafetyTag_Name(static_cast<common::SafetyTag>(tag)).substr(11);
  std::replace(id.begin(), id.end(), '_', '-');
  return id;
}

class Generator {
 public:
  explicit Generator(const catalog::ExerciseCatalog& catalog) : random_(kSeed) {
    for (const catalog_v1::Exercise& exercise : catalog.exercises()) names_.push_back(exercise.name());
  }

  v1::BuildWeeklyPlanRequest Next(int index) {
    v1::BuildWeeklyPlanRequest request;
    *request.mutable_screening_result() = Screening();
    request.set_patient_id(absl::StrCat("p-", index));
    v1::Preferences* preferences = request.mutable_preferences();
    std::vector<int> days;
    while (days.empty()) {
      for (int day = 1; day <= 7; ++day) {
        if (Chance(Uniform(1, 9) / 10.0)) days.push_back(day);
      }
    }
    std::shuffle(days.begin(), days.end(), random_);
    for (const int day : days) preferences->add_available_days(static_cast<v1::Weekday>(day));
    // Short days are where priorities matter: weight them.
    preferences->set_minutes_per_day(Chance(0.4) ? Uniform(10, 45) : Uniform(10, 240));
    const double have = Uniform(0, 10) / 10.0;
    for (int item = 1; item < common::Equipment_ARRAYSIZE; ++item) {
      if (Chance(have)) preferences->add_equipment(static_cast<common::Equipment>(item));
    }
    std::vector<std::string> shuffled = names_;
    std::shuffle(shuffled.begin(), shuffled.end(), random_);
    const int enjoyed = Chance(0.5) ? Uniform(0, 8) : 0;
    const int disliked = Chance(0.5) ? Uniform(0, 8) : 0;
    int next = 0;
    for (int i = 0; i < enjoyed; ++i) preferences->add_enjoyed_exercises(shuffled[next++]);
    for (int i = 0; i < disliked; ++i) preferences->add_disliked_exercises(shuffled[next++]);
    const int64_t start = DaysFromCivil(2020, 1, 1) + Uniform(0, 365 * 11);
    request.set_week_start_date(CivilFromDays(start));
    request.set_week_index(Chance(0.3) ? Uniform(1, 4) : Uniform(1, 520));
    const int progressions = Chance(0.6) ? Uniform(1, 12) : 0;
    for (int i = 0; i < progressions; ++i) {
      v1::ExerciseProgression* entry = request.add_progression();
      entry->set_exercise(shuffled[next++]);
      const int kind = Uniform(0, 3);
      if (kind == 0 || kind == 3) {
        entry->set_sets(Uniform(1, 10));
        entry->set_reps(Uniform(1, 100));
        if (Chance(0.6)) entry->set_load_kg(Uniform(0, 5000) / 10.0);
      }
      if (kind == 1 || kind == 3) entry->set_minutes(Uniform(1, 240));
      if (kind == 2 || (kind == 3 && Chance(0.5))) entry->set_impacts(Uniform(1, 500));
      // A ladder step for balance work (PROG-BALANCE), on any entry.
      if (Chance(0.2)) {
        entry->set_balance_level(static_cast<catalog_v1::BalanceLevel>(Uniform(1, 6)));
        entry->set_balance_hand_support(Chance(0.5));
      }
    }
    return request;
  }

  // The same request with every list reordered and repeats added where the
  // contract allows them.
  v1::BuildWeeklyPlanRequest Shuffled(v1::BuildWeeklyPlanRequest request) {
    v1::Preferences* p = request.mutable_preferences();
    if (p->equipment_size() > 0) p->add_equipment(p->equipment(0));
    if (p->enjoyed_exercises_size() > 0) p->add_enjoyed_exercises(p->enjoyed_exercises(0));
    if (p->disliked_exercises_size() > 0) p->add_disliked_exercises(p->disliked_exercises(0));
    std::shuffle(p->mutable_available_days()->begin(), p->mutable_available_days()->end(), random_);
    std::shuffle(p->mutable_equipment()->begin(), p->mutable_equipment()->end(), random_);
    std::shuffle(p->mutable_enjoyed_exercises()->begin(), p->mutable_enjoyed_exercises()->end(), random_);
    std::shuffle(p->mutable_disliked_exercises()->begin(), p->mutable_disliked_exercises()->end(), random_);
    std::shuffle(request.mutable_progression()->begin(), request.mutable_progression()->end(), random_);
    return request;
  }

 private:
  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(random_); }

  screening_v1::ScreeningResult Screening() {
    screening_v1::ScreeningResult result;
    const screening_v1::Outcome outcomes[] = {screening_v1::OUTCOME_PROCEED,
                                              screening_v1::OUTCOME_SUPERVISED_ONLY,
                                              screening_v1::OUTCOME_PROCEED_AFTER_CLEARANCE};
    result.set_outcome(outcomes[Uniform(0, 2)]);
    if (result.outcome() != screening_v1::OUTCOME_PROCEED) *result.add_outcome_rules() = Cite("SUP-VF");
    result.mutable_bone_status()->set_category(
        static_cast<screening_v1::BoneCategory>(Uniform(1, 6)));
    // Consistent as screening makes it: waiting for clearance means one is
    // required before starting; otherwise a required one waits only for
    // vigorous intensity.
    const bool waits = result.outcome() == screening_v1::OUTCOME_PROCEED_AFTER_CLEARANCE;
    result.mutable_clearance()->set_level(
        waits ? screening_v1::CLEARANCE_LEVEL_REQUIRED : static_cast<screening_v1::ClearanceLevel>(Uniform(1, 3)));
    if (result.clearance().level() != screening_v1::CLEARANCE_LEVEL_NOT_NEEDED) {
      screening_v1::ClearanceReason* reason = result.mutable_clearance()->add_reasons();
      *reason->mutable_rule() = Cite("CLR-AGE40");
      reason->set_level(result.clearance().level());
      const bool recommended = result.clearance().level() == screening_v1::CLEARANCE_LEVEL_RECOMMENDED;
      reason->set_scope(waits || (recommended && Chance(0.5)) ? screening_v1::CLEARANCE_SCOPE_BEFORE_STARTING
                                                              : screening_v1::CLEARANCE_SCOPE_BEFORE_VIGOROUS_INTENSITY);
      reason->set_reason("age 40 or more");
    }
    result.mutable_supervision()->set_required(result.outcome() == screening_v1::OUTCOME_SUPERVISED_ONLY);
    const bool fall_risk = Chance(0.35);
    result.mutable_fall_risk()->set_flagged(fall_risk);
    if (fall_risk) {
      screening_v1::Reason* reason = result.mutable_fall_risk()->add_reasons();
      *reason->mutable_rule() = Cite("SUP-FALLS");
      reason->set_reason("two or more falls in the last 12 months");
    }

    common::Restrictions* restrictions = result.mutable_restrictions();
    // IMP-FALLS: a fall-risk flag comes with low impact at most (walking
    // stays) and balance-challenging cardio excluded, as screening gives it
    // (and validation demands); callers may send a lower ceiling.
    const int level = fall_risk ? (Chance(0.8) ? 2 : 1) : Uniform(1, 4);
    restrictions->mutable_impact_ceiling()->set_level(static_cast<common::ImpactLevel>(level));
    const char* ceiling_rules[] = {"", "IMP-VF", "IMP-VF", "IMP-LOWBONE", "IMP-NORMAL"};
    *restrictions->mutable_impact_ceiling()->add_rules() = Cite(fall_risk ? "IMP-FALLS" : ceiling_rules[level]);
    if (Chance(0.3)) *restrictions->mutable_impact_ceiling()->add_rules() = Cite("IMP-VF");
    std::vector<int> tags;
    for (int tag = 1; tag < common::SafetyTag_ARRAYSIZE; ++tag) {
      const bool required = fall_risk && tag == common::SAFETY_TAG_BALANCE_CHALLENGE;
      if (required || Chance(0.5)) tags.push_back(tag);
    }
    std::shuffle(tags.begin(), tags.end(), random_);
    for (const int tag : tags) {
      common::TagExclusion* exclusion = restrictions->add_excluded_tags();
      exclusion->set_tag(static_cast<common::SafetyTag>(tag));
      *exclusion->add_rules() = Cite(TagRule(tag));
    }
    if (Chance(0.5)) {
      restrictions->mutable_aerobic_intensity_cap()->set_max_intensity(
          static_cast<common::Intensity>(Uniform(1, 3)));
      *restrictions->mutable_aerobic_intensity_cap()->add_rules() = Cite(Chance(0.5) ? "IMP-VF" : "CLR-DISEASE");
    }
    if (Chance(0.6)) {
      restrictions->mutable_load_cap()->set_max_percent_one_rep_max(Chance(0.7) ? 79 : Uniform(1, 100));
      *restrictions->mutable_load_cap()->add_rules() = Cite("SUP-HIGHLOAD");
    }
    const char* versions[] = {"2026.11.2+0123456789ab", "2026.11.3+ba9876543210"};
    result.set_rule_set_version(versions[Uniform(0, 1)]);
    return result;
  }

  std::mt19937 random_;
  std::vector<std::string> names_;
};

// --- checks --------------------------------------------------------------------------

// The largest set of available plan days with no two neighbouring (wrapping).
int MostDaysApart(uint32_t available) {
  int best = 0;
  for (uint32_t days = 0; days < 128; ++days) {
    if ((days & ~available) != 0) continue;
    bool apart = true;
    for (int a = 0; a < 7 && apart; ++a) {
      if ((days >> a & 1u) && (days >> ((a + 1) % 7) & 1u) && std::popcount(days) > 1) apart = false;
    }
    if (apart) best = std::max(best, std::popcount(days));
  }
  return best;
}

class PlanChecker {
 public:
  PlanChecker(const Shipped& shipped, const v1::PlanInputs& inputs, const v1::WeeklyPlan& plan)
      : shipped_(shipped), inputs_(inputs), plan_(plan) {}

  std::vector<std::string> Problems() {
    CheckWeek();
    CheckItems();
    CheckTotalsAndShortfalls();
    CheckStrength();
    CheckFallRiskBalance();
    CheckBalanceWeekAndLadder();
    CheckWeightBearing();
    CheckFallRiskWalking();
    CheckPreferences();
    CheckBanners();
    return problems_;
  }

 private:
  template <typename... Parts>
  void Problem(const Parts&... parts) {
    problems_.push_back(absl::StrCat(parts...));
  }

  const catalog_v1::Exercise* ExerciseOf(const v1::PlanItem& item) const {
    return shipped_.catalog->Find(item.exercise_id());
  }

  const common::Restrictions& restrictions() const { return inputs_.screening_result().restrictions(); }

  bool Has(const google::protobuf::RepeatedPtrField<std::string>& names, const std::string& name) const {
    return std::find(names.begin(), names.end(), name) != names.end();
  }

  // SUP-HIGHLOAD: what a plan, which is followed without a trainer at hand,
  // must never hold.
  bool TooHeavyAlone(const catalog_v1::Exercise& exercise) const {
    const v1::StrengthDose& strength = shipped_.rules->document().strength();
    if (exercise.load_percent_one_rep_max() > strength.unsupervised_max_percent_one_rep_max()) return true;
    for (const int tag : strength.unsupervised_never_tags()) {
      if (std::count(exercise.safety_tags().begin(), exercise.safety_tags().end(), tag)) return true;
    }
    return false;
  }

  // Entries the catalog keeps to say why not (AVOID-* movements): never planned.
  bool NeverPlanned(const catalog_v1::Exercise& exercise) const {
    for (const int tag : shipped_.rules->document().never_planned_tags()) {
      if (std::count(exercise.safety_tags().begin(), exercise.safety_tags().end(), tag)) return true;
    }
    return false;
  }

  // Whether the planner may use the entry at all: allowed as it stands, the
  // equipment at hand, no spinal-flexion stretch (DOSE-FLEX), nothing too
  // heavy for a plan followed alone (SUP-HIGHLOAD).
  bool Usable(const catalog_v1::Exercise& exercise, v1::Component component) const {
    if (catalog::VerdictOf(exercise, restrictions()) != catalog_v1::VERDICT_ALLOWED) return false;
    if (TooHeavyAlone(exercise) || NeverPlanned(exercise)) return false;
    for (const int item : exercise.equipment()) {
      if (!std::count(inputs_.preferences().equipment().begin(), inputs_.preferences().equipment().end(), item)) {
        return false;
      }
    }
    if (component == v1::COMPONENT_FLEXIBILITY) {
      for (const int tag : shipped_.rules->document().flexibility().never_tags()) {
        if (std::count(exercise.safety_tags().begin(), exercise.safety_tags().end(), tag)) return false;
      }
    }
    return true;
  }

  void CheckWeek() {
    if (plan_.days_size() != 7) {
      Problem("plan has ", plan_.days_size(), " days");
      return;
    }
    int year = 0, month = 0, day_of_month = 0;
    std::sscanf(inputs_.week_start_date().c_str(), "%d-%d-%d", &year, &month, &day_of_month);
    const int64_t start = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day_of_month));
    if (plan_.week_start_date() != inputs_.week_start_date()) Problem("week_start_date not carried");
    if (plan_.week_index() != inputs_.week_index()) Problem("week_index not carried");
    if (plan_.patient_id() != inputs_.patient_id()) Problem("patient_id not carried");
    const int minutes_per_day = inputs_.preferences().minutes_per_day();
    for (int i = 0; i < 7; ++i) {
      const v1::PlanDay& day = plan_.days(i);
      if (day.date() != CivilFromDays(start + i)) Problem("day ", i, " is ", day.date());
      const int weekday = IsoWeekday(start + i);
      if (day.weekday() != weekday) Problem("day ", i, " weekday ", day.weekday(), " want ", weekday);
      const bool available = Has2(inputs_.preferences().available_days(), weekday);
      if (day.available() != available) Problem("day ", i, " availability");
      if (!available && day.sessions_size() != 0) Problem("unavailable day ", i, " has sessions");
      int minutes = 0;
      for (const v1::PlanSession& session : day.sessions()) {
        int sum = 0;
        for (const v1::PlanItem& item : session.items()) sum += item.minutes();
        if (session.minutes() != sum) Problem("day ", i, " session minutes ", session.minutes(), " != ", sum);
        if (session.items().empty()) Problem("day ", i, " has an empty session");
        minutes += session.minutes();
      }
      if (minutes > minutes_per_day) Problem("day ", i, " holds ", minutes, " > ", minutes_per_day, " minutes");
    }
  }

  static bool Has2(const google::protobuf::RepeatedField<int>& values, int value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  }

  void CheckItems() {
    for (int i = 0; i < plan_.days_size(); ++i) {
      for (const v1::PlanSession& session : plan_.days(i).sessions()) {
        for (const v1::PlanItem& item : session.items()) CheckItem(i, item);
      }
    }
  }

  void CheckItem(int day, const v1::PlanItem& item) {
    const catalog_v1::Exercise* exercise = ExerciseOf(item);
    const std::string at = absl::StrCat("day ", day, " ", item.exercise_id(), ": ");
    if (exercise == nullptr) {
      Problem(at, "not in the catalog");
      return;
    }
    if (item.exercise() != exercise->name()) Problem(at, "name ", item.exercise());
    if (TooHeavyAlone(*exercise)) Problem(at, "too heavy for a plan followed without supervision");
    if (NeverPlanned(*exercise)) Problem(at, "an AVOID-* movement, which no plan holds");
    for (const common::TagExclusion& exclusion : restrictions().excluded_tags()) {
      if (std::count(exercise->safety_tags().begin(), exercise->safety_tags().end(), exclusion.tag())) {
        Problem(at, "carries excluded tag ", common::SafetyTag_Name(exclusion.tag()));
      }
    }
    if (exercise->impact_level() > restrictions().impact_ceiling().level()) Problem(at, "above the impact ceiling");
    if (catalog::VerdictOf(*exercise, restrictions()) != catalog_v1::VERDICT_ALLOWED) {
      Problem(at, "verdict ", catalog_v1::Verdict_Name(catalog::VerdictOf(*exercise, restrictions())));
    }
    for (const int need : exercise->equipment()) {
      if (!Has2(inputs_.preferences().equipment(), need)) {
        Problem(at, "needs ", common::Equipment_Name(static_cast<common::Equipment>(need)));
      }
    }
    if (item.rules().empty()) Problem(at, "cites no rule");
    for (const common::RuleCitation& rule : item.rules()) {
      if (rule.rule_id().empty()) Problem(at, "cites an empty rule id");
    }
    if (item.minutes() <= 0) Problem(at, "takes ", item.minutes(), " minutes");
    if (item.component() == v1::COMPONENT_UNSPECIFIED) Problem(at, "no component");
    // Rule NWB: only weight-bearing catalog entries outside the non-weight-
    // bearing component count.
    if (item.counts_as_weight_bearing() &&
        (!exercise->weight_bearing() || item.component() == v1::COMPONENT_NON_WEIGHT_BEARING ||
         exercise->category() == catalog_v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC)) {
      Problem(at, "counts as weight-bearing");
    }
    if (exercise->category() == catalog_v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC &&
        item.component() != v1::COMPONENT_NON_WEIGHT_BEARING) {
      Problem(at, "swimming/cycling outside the non-weight-bearing component");
    }
    if (item.component() == v1::COMPONENT_FLEXIBILITY) {
      for (const int tag : shipped_.rules->document().flexibility().never_tags()) {
        if (std::count(exercise->safety_tags().begin(), exercise->safety_tags().end(), tag)) {
          Problem(at, "a stretch DOSE-FLEX never allows");
        }
      }
    }
    if (ComponentOf(exercise->category()) != item.component()) Problem(at, "component does not match category");
    const v1::PlanRulesDocument& rules = shipped_.rules->document();
    if (item.component() == v1::COMPONENT_STRENGTH) {
      const int sets = item.dose().sets_reps().sets();
      if (sets < 1 || sets > rules.strength().max_sets()) Problem(at, sets, " sets");  // DOSE-REPS
    }
    if (item.component() == v1::COMPONENT_IMPACT) {
      if (item.dose().impacts() < 1 || item.dose().impacts() > rules.impact().impacts_per_day()) {
        Problem(at, item.dose().impacts(), " impacts");
      }
      for (const common::RuleCitation& ceiling : restrictions().impact_ceiling().rules()) {
        bool cited = false;
        for (const common::RuleCitation& rule : item.rules()) cited |= rule.rule_id() == ceiling.rule_id();
        if (!cited) Problem(at, "does not cite the ceiling rule ", ceiling.rule_id());
      }
    }
  }

  void CheckTotalsAndShortfalls() {
    std::set<int> components;
    for (const v1::ComponentTotal& total : plan_.totals()) {
      if (!components.insert(total.component()).second) Problem("two totals for ", total.component());
      if (total.rule().rule_id().empty()) Problem("total ", total.component(), " cites no rule");
      int matching = 0;
      for (const v1::Shortfall& shortfall : plan_.shortfalls()) {
        if (shortfall.component() == total.component()) ++matching;
      }
      if (!total.met() && matching != 1) {
        Problem("total ", v1::Component_Name(total.component()), " not met with ", matching, " shortfalls");
      }
      if (total.met() && matching != 0) Problem("total ", v1::Component_Name(total.component()), " met yet short");
    }
    const std::set<int> expected = {v1::COMPONENT_STRENGTH, v1::COMPONENT_POSTURE, v1::COMPONENT_IMPACT,
                                    v1::COMPONENT_BALANCE, v1::COMPONENT_WEIGHT_BEARING_AEROBIC,
                                    v1::COMPONENT_FLEXIBILITY};
    if (components != expected) Problem("totals cover ", absl::StrJoin(components, ","));
    for (const v1::Shortfall& shortfall : plan_.shortfalls()) {
      bool not_met = false;
      for (const v1::ComponentTotal& total : plan_.totals()) {
        if (total.component() == shortfall.component()) {
          not_met = !total.met();
          if (total.rule().rule_id() != shortfall.rule().rule_id()) Problem("shortfall cites another rule");
        }
      }
      if (!not_met) Problem("shortfall for ", shortfall.component(), " whose target is met");
      if (shortfall.reason().empty()) Problem("shortfall ", shortfall.component(), " without a reason");
      if (shortfall.target().empty()) Problem("shortfall ", shortfall.component(), " without a target");
    }
  }

  std::set<int> DaysOf(v1::Component component) const {
    std::set<int> days;
    for (int i = 0; i < plan_.days_size(); ++i) {
      for (const v1::PlanSession& session : plan_.days(i).sessions()) {
        for (const v1::PlanItem& item : session.items()) {
          if (item.component() == component) days.insert(i);
        }
      }
    }
    return days;
  }

  int MinutesOn(int day, v1::Component component) const {
    int minutes = 0;
    for (const v1::PlanSession& session : plan_.days(day).sessions()) {
      for (const v1::PlanItem& item : session.items()) {
        if (item.component() == component) minutes += item.minutes();
      }
    }
    return minutes;
  }

  const v1::ComponentTotal* TotalOf(v1::Component component) const {
    for (const v1::ComponentTotal& total : plan_.totals()) {
      if (total.component() == component) return &total;
    }
    return nullptr;
  }

  uint32_t AvailableMask() const {
    uint32_t mask = 0;
    for (int i = 0; i < plan_.days_size(); ++i) mask |= plan_.days(i).available() ? 1u << i : 0;
    return mask;
  }

  void CheckStrength() {
    const std::set<int> days = DaysOf(v1::COMPONENT_STRENGTH);
    for (const int day : days) {
      if (days.count((day + 1) % 7)) Problem("strength on consecutive days ", day, " and ", (day + 1) % 7);
    }
    const v1::StrengthDose& strength = shipped_.rules->document().strength();
    const v1::ComponentTotal* total = TotalOf(v1::COMPONENT_STRENGTH);
    if (total == nullptr) return;
    if (static_cast<int>(days.size()) > strength.max_days()) Problem("strength on ", days.size(), " days");
    if (static_cast<int>(days.size()) < strength.min_days() && total->met()) {
      Problem("strength on ", days.size(), " days reported met");
    }
    if (total->days() != static_cast<int>(days.size())) Problem("strength total days ", total->days());
    // Without a fall-risk flag strength is placed first, and the catalog always
    // has an unloaded, equipment-free exercise for every pattern: it gets as
    // many non-consecutive days as the week allows, up to the minimum.
    if (!inputs_.screening_result().fall_risk().flagged()) {
      const int want = std::min(strength.min_days(), MostDaysApart(AvailableMask()));
      if (static_cast<int>(days.size()) != want) {
        Problem("strength first: ", days.size(), " days, want ", want);
      }
    }
  }

  int DayMinutes(int day) const {
    int minutes = 0;
    for (const v1::PlanSession& session : plan_.days(day).sessions()) minutes += session.minutes();
    return minutes;
  }

  void CheckFallRiskBalance() {
    const v1::BalanceDose& balance = shipped_.rules->document().balance();
    const std::set<int> days = DaysOf(v1::COMPONENT_BALANCE);
    for (const int day : days) {
      const int minutes = MinutesOn(day, v1::COMPONENT_BALANCE);
      if (minutes < balance.min_minutes()) Problem("balance day ", day, " holds ", minutes, " minutes");
      // Short of the daily dose only when the day has no minute left.
      if (minutes < balance.minutes_per_day() && DayMinutes(day) < inputs_.preferences().minutes_per_day()) {
        Problem("balance day ", day, " holds ", minutes, " minutes beside idle time");
      }
    }
    if (!inputs_.screening_result().fall_risk().flagged()) return;
    // Balance comes first with a fall-risk flag, and every available day has
    // room for its smallest dose: min(3, available) days.
    const int available = std::popcount(AvailableMask());
    const int want = std::min(balance.fall_risk_min_days(), available);
    if (static_cast<int>(days.size()) < want) Problem("fall-risk balance on ", days.size(), " days, want ", want);
  }

  // DOSE-BALANCE counts the week's minutes; PROG-BALANCE never plans above
  // the week's ladder step, and a fall-risk flag starts at its first levels,
  // holding on.
  void CheckBalanceWeekAndLadder() {
    const v1::BalanceDose& balance = shipped_.rules->document().balance();
    const bool fall_risk = inputs_.screening_result().fall_risk().flagged();
    int top = 2 * (fall_risk ? balance.fall_risk_start_level() : balance.start_level());
    bool recorded = false;
    for (const v1::ExerciseProgression& entry : inputs_.progression()) {
      if (entry.balance_level() == catalog_v1::BALANCE_LEVEL_UNSPECIFIED) continue;
      const int rank = 2 * entry.balance_level() + (entry.balance_hand_support() ? 0 : 1);
      top = recorded ? std::max(top, rank) : rank;
      recorded = true;
    }
    int minutes = 0;
    for (const v1::PlanDay& day : plan_.days()) {
      for (const v1::PlanSession& session : day.sessions()) {
        for (const v1::PlanItem& item : session.items()) {
          if (item.component() != v1::COMPONENT_BALANCE) continue;
          minutes += item.minutes();
          if (item.balance_level() == catalog_v1::BALANCE_LEVEL_UNSPECIFIED) {
            Problem("balance item ", item.exercise_id(), " without a ladder level");
          }
          if (item.balance_level() > top / 2) {
            Problem("balance item ", item.exercise_id(), " at level ", item.balance_level(), " above the step ", top);
          }
          if (item.balance_level() == top / 2 && item.hand_support() != (top % 2 == 0)) {
            Problem("balance item ", item.exercise_id(), " support ", item.hand_support(), " at step ", top);
          }
          if (fall_risk && !recorded && !item.hand_support()) {
            Problem("fall-risk first balance ", item.exercise_id(), " without hand support");
          }
        }
      }
    }
    const v1::ComponentTotal* total = TotalOf(v1::COMPONENT_BALANCE);
    if (total == nullptr) return;
    if (total->minutes() != minutes) Problem("balance total ", total->minutes(), " min; items give ", minutes);
    if (total->met() && minutes < balance.weekly_minutes()) Problem("balance met at ", minutes, " minutes a week");
  }

  // A walk as the dose data names it for IMP-FALLS.
  bool IsWalk(const catalog_v1::Exercise& exercise) const {
    const auto& patterns = shipped_.rules->document().weight_bearing().fall_risk_walk_patterns();
    return std::find(patterns.begin(), patterns.end(), exercise.movement_pattern()) != patterns.end();
  }

  // IMP-FALLS: walking stays. With two days of 20 minutes a fall-flagged
  // plan walks, unless no walk can be planned at all.
  void CheckFallRiskWalking() {
    if (!inputs_.screening_result().fall_risk().flagged()) return;
    for (const v1::PlanDay& day : plan_.days()) {
      for (const v1::PlanSession& session : day.sessions()) {
        for (const v1::PlanItem& item : session.items()) {
          if (item.component() == v1::COMPONENT_IMPACT) Problem("impact drill ", item.exercise_id(), " with fall risk");
        }
      }
    }
    if (std::popcount(AvailableMask()) < 2 || inputs_.preferences().minutes_per_day() < 20) return;
    bool walks = false;
    for (const v1::PlanDay& day : plan_.days()) {
      for (const v1::PlanSession& session : day.sessions()) {
        for (const v1::PlanItem& item : session.items()) {
          walks |= item.component() == v1::COMPONENT_WEIGHT_BEARING_AEROBIC &&
                   ExerciseOf(item) != nullptr && IsWalk(*ExerciseOf(item));
        }
      }
    }
    if (walks) return;
    // No walk is excused only when no walk could be planned: none allowed by
    // the restrictions with the equipment at hand, or every one disliked. The
    // plan's own shortfall text is not taken as the reason.
    for (const PlanningEntry& entry : shipped_.planning->entries(v1::COMPONENT_WEIGHT_BEARING_AEROBIC)) {
      if (IsWalk(*entry.exercise) && Usable(*entry.exercise, v1::COMPONENT_WEIGHT_BEARING_AEROBIC) &&
          !Has(inputs_.preferences().disliked_exercises(), entry.exercise->name())) {
        Problem("a fall-flagged plan with two days of 20 minutes and no walking, though ",
                entry.exercise->name(), " could be planned");
        return;
      }
    }
  }

  void CheckWeightBearing() {
    int minutes = 0, impacts = 0;
    std::set<int> days;
    for (int i = 0; i < plan_.days_size(); ++i) {
      for (const v1::PlanSession& session : plan_.days(i).sessions()) {
        for (const v1::PlanItem& item : session.items()) {
          if (item.component() == v1::COMPONENT_IMPACT) impacts += item.dose().impacts();
          if (item.component() != v1::COMPONENT_WEIGHT_BEARING_AEROBIC) continue;
          if (!item.counts_as_weight_bearing()) {
            Problem("weight-bearing item ", item.exercise_id(), " that does not count");
            continue;
          }
          minutes += item.minutes();
          days.insert(i);
          const v1::ExerciseProgression* recorded = nullptr;
          for (const v1::ExerciseProgression& entry : inputs_.progression()) {
            if (entry.exercise() == item.exercise()) recorded = &entry;
          }
          // PROG-START: an activity with no recorded minutes starts with short
          // bouts; a recorded one is held to twice the daily time.
          const v1::AerobicDose& aerobic = shipped_.rules->document().weight_bearing();
          const int start = inputs_.screening_result().fall_risk().flagged() ? aerobic.fall_risk_start_minutes()
                                                                              : aerobic.start_minutes();
          const int wanted = recorded != nullptr && recorded->minutes() > 0
                                 ? std::min(recorded->minutes(), 2 * aerobic.minutes_per_day())
                                 : start;
          if (item.minutes() < wanted && DayMinutes(i) < inputs_.preferences().minutes_per_day()) {
            Problem("weight-bearing bout of ", item.minutes(), " min on day ", i, " beside idle time");
          }
        }
      }
    }
    const v1::ComponentTotal* total = TotalOf(v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
    if (total != nullptr && (total->minutes() != minutes || total->days() != static_cast<int>(days.size()))) {
      Problem("weight-bearing total ", total->minutes(), " min on ", total->days(), " days; items give ",
              minutes, " on ", days.size());
    }
    const v1::ComponentTotal* impact = TotalOf(v1::COMPONENT_IMPACT);
    if (impact != nullptr && impact->impacts() != impacts) Problem("impact total ", impact->impacts(), " != ", impacts);
  }

  // Enjoyed entries are chosen first and disliked ones only when nothing else
  // fits, for the components that take one exercise per slot.
  void CheckPreferences() {
    const v1::Preferences& preferences = inputs_.preferences();
    for (int i = 0; i < plan_.days_size(); ++i) {
      for (const v1::PlanSession& session : plan_.days(i).sessions()) {
        for (const v1::PlanItem& item : session.items()) {
          const catalog_v1::Exercise* exercise = ExerciseOf(item);
          if (exercise == nullptr) continue;
          if (item.component() == v1::COMPONENT_NON_WEIGHT_BEARING && !Has(preferences.enjoyed_exercises(), item.exercise())) {
            Problem("non-weight-bearing ", item.exercise_id(), " planned without being enjoyed");
          }
          if (item.component() == v1::COMPONENT_BALANCE || item.component() == v1::COMPONENT_NON_WEIGHT_BEARING) {
            continue;
          }
          const bool strength = item.component() == v1::COMPONENT_STRENGTH;
          // IMP-FALLS: a fall-flagged week's first bouts are walks, chosen
          // among the walks.
          const bool walk = inputs_.screening_result().fall_risk().flagged() &&
                            item.component() == v1::COMPONENT_WEIGHT_BEARING_AEROBIC &&
                            IsWalk(*exercise);
          bool other_choice = false, enjoyed_choice = false;
          for (const PlanningEntry& entry : shipped_.planning->entries(item.component())) {
            if ((strength || walk) && entry.exercise->movement_pattern() != exercise->movement_pattern()) continue;
            if (!Usable(*entry.exercise, item.component())) continue;
            if (!Has(preferences.disliked_exercises(), entry.exercise->name())) other_choice = true;
            if (Has(preferences.enjoyed_exercises(), entry.exercise->name())) enjoyed_choice = true;
          }
          if (Has(preferences.disliked_exercises(), item.exercise()) && other_choice) {
            Problem("disliked ", item.exercise_id(), " planned while another choice exists");
          }
          if (enjoyed_choice && !Has(preferences.enjoyed_exercises(), item.exercise())) {
            Problem(item.exercise_id(), " planned while an enjoyed choice exists");
          }
        }
      }
    }
  }

  void CheckBanners() {
    const screening_v1::ScreeningResult& screening = inputs_.screening_result();
    if (!MessageDifferencer::Equals(plan_.banners().clearance(), screening.clearance()) ||
        !MessageDifferencer::Equals(plan_.banners().supervision(), screening.supervision()) ||
        !MessageDifferencer::Equals(plan_.banners().fall_risk(), screening.fall_risk())) {
      Problem("banners differ from the screening");
    }
    if (plan_.rule_set_version() != screening.rule_set_version()) Problem("rule_set_version");
    if (plan_.catalog_digest() != shipped_.catalog->content_digest()) Problem("catalog_digest");
    if (plan_.plan_rules_version() != shipped_.rules->version()) Problem("plan_rules_version");
  }

  const Shipped& shipped_;
  const v1::PlanInputs& inputs_;
  const v1::WeeklyPlan& plan_;
  std::vector<std::string> problems_;
};

TEST(WeeklyPlannerProperties, EveryGeneratedPlanIsSafeCompleteAndDeterministic) {
  const Shipped* shipped = LoadShipped();
  ASSERT_NE(shipped, nullptr) << "the shipped catalog or plan rules did not load";
  Generator generator(*shipped->catalog);
  int failing = 0, fall_risk = 0, short_days = 0, with_shortfalls = 0, with_enjoyed_nwb = 0;
  for (int index = 0; index < kCases; ++index) {
    const v1::BuildWeeklyPlanRequest request = generator.Next(index);
    const absl::Status valid = ValidateBuildRequest(request);
    ASSERT_TRUE(valid.ok()) << "case " << index << ": " << valid;
    const v1::PlanInputs inputs = CanonicalInputs(request, request.screening_result());
    const absl::Status known = CheckAgainstCatalog(inputs, *shipped->catalog);
    ASSERT_TRUE(known.ok()) << "case " << index << ": " << known;

    const absl::StatusOr<v1::WeeklyPlan> plan = BuildWeeklyPlan(inputs, *shipped->planning, *shipped->rules);
    ASSERT_TRUE(plan.ok()) << "case " << index << ": " << plan.status();
    std::vector<std::string> problems = PlanChecker(*shipped, inputs, *plan).Problems();

    // Deterministic: built again, and from the same request reordered.
    const absl::StatusOr<v1::WeeklyPlan> again = BuildWeeklyPlan(inputs, *shipped->planning, *shipped->rules);
    if (!again.ok() || again->SerializeAsString() != plan->SerializeAsString()) {
      problems.push_back("a second build differs");
    }
    const v1::BuildWeeklyPlanRequest reordered = generator.Shuffled(request);
    if (!ValidateBuildRequest(reordered).ok()) problems.push_back("the reordered request is refused");
    const v1::PlanInputs reordered_inputs = CanonicalInputs(reordered, reordered.screening_result());
    if (reordered_inputs.SerializeAsString() != inputs.SerializeAsString()) {
      problems.push_back("canonical inputs depend on list order");
    }
    const absl::StatusOr<v1::WeeklyPlan> reordered_plan =
        BuildWeeklyPlan(reordered_inputs, *shipped->planning, *shipped->rules);
    if (!reordered_plan.ok() || reordered_plan->SerializeAsString() != plan->SerializeAsString()) {
      problems.push_back("the reordered request gives another plan");
    }
    if (PlanId(reordered_inputs, shipped->catalog->content_digest(), shipped->rules->version()) !=
        PlanId(inputs, shipped->catalog->content_digest(), shipped->rules->version())) {
      problems.push_back("the reordered request gives another plan id");
    }
    // The bytes the service hashes for its cache key are these inputs.
    const std::string wire = CanonicalInputsWire(reordered, reordered.screening_result());
    if (wire != inputs.SerializeAsString()) problems.push_back("canonical wire differs from the inputs");
    if (PlanIdOfWire(wire, shipped->catalog->content_digest(), shipped->rules->version()) !=
        PlanId(inputs, shipped->catalog->content_digest(), shipped->rules->version())) {
      problems.push_back("the wire plan id differs");
    }

    fall_risk += inputs.screening_result().fall_risk().flagged() ? 1 : 0;
    short_days += inputs.preferences().minutes_per_day() < 45 ? 1 : 0;
    with_shortfalls += plan->shortfalls().empty() ? 0 : 1;
    auto has_non_weight_bearing = [](const v1::WeeklyPlan& p) {
      for (const v1::PlanDay& day : p.days()) {
        for (const v1::PlanSession& session : day.sessions()) {
          for (const v1::PlanItem& item : session.items()) {
            if (item.component() == v1::COMPONENT_NON_WEIGHT_BEARING) return true;
          }
        }
      }
      return false;
    };
    with_enjoyed_nwb += has_non_weight_bearing(*plan) ? 1 : 0;
    if (!problems.empty() && ++failing <= 5) {
      ADD_FAILURE() << "case " << index << ": " << absl::StrJoin(problems, "\n  ") << "\nrequest: "
                    << request.ShortDebugString();
    }
  }
  EXPECT_EQ(failing, 0) << failing << " of " << kCases << " generated plans break a property";
  // The generator reaches the cases that matter.
  EXPECT_GT(fall_risk, kCases / 5);
  EXPECT_GT(short_days, kCases / 5);
  EXPECT_GT(with_shortfalls, kCases / 2);
  EXPECT_GT(with_enjoyed_nwb, 10);
}


// The checks above can fail: a plan broken by hand is caught.
TEST(WeeklyPlannerProperties, TheCheckerCatchesBrokenPlans) {
  const Shipped* shipped = LoadShipped();
  ASSERT_NE(shipped, nullptr);
  v1::BuildWeeklyPlanRequest request;
  screening_v1::ScreeningResult* screening = request.mutable_screening_result();
  screening->set_outcome(screening_v1::OUTCOME_PROCEED);
  screening->set_rule_set_version("2026.11.2+0123456789ab");
  *screening->mutable_restrictions() =
      testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  request.set_patient_id("p-1");
  for (int day = 1; day <= 7; ++day) {
    request.mutable_preferences()->add_available_days(static_cast<v1::Weekday>(day));
  }
  request.mutable_preferences()->set_minutes_per_day(90);
  request.set_week_start_date("2026-11-02");
  request.set_week_index(3);
  ASSERT_TRUE(ValidateBuildRequest(request).ok());
  const v1::PlanInputs inputs = CanonicalInputs(request, request.screening_result());
  const absl::StatusOr<v1::WeeklyPlan> built = BuildWeeklyPlan(inputs, *shipped->planning, *shipped->rules);
  ASSERT_TRUE(built.ok()) << built.status();
  ASSERT_TRUE(PlanChecker(*shipped, inputs, *built).Problems().empty());

  auto first_of = [](v1::WeeklyPlan& plan, v1::Component component) -> v1::PlanItem* {
    for (v1::PlanDay& day : *plan.mutable_days()) {
      for (v1::PlanSession& session : *day.mutable_sessions()) {
        for (v1::PlanItem& item : *session.mutable_items()) {
          if (item.component() == component) return &item;
        }
      }
    }
    return nullptr;
  };
  struct Breakage {
    const char* expected;
    std::function<void(v1::WeeklyPlan&)> apply;
  };
  const Breakage breakages[] = {
      {"carries excluded tag",
       [&](v1::WeeklyPlan& plan) {
         v1::PlanItem* item = first_of(plan, v1::COMPONENT_STRENGTH);
         item->set_exercise_id("sit-up");
         item->set_exercise("exercises/sit-up");
       }},
      {"above the impact ceiling",
       [&](v1::WeeklyPlan& plan) {
         v1::PlanItem* item = first_of(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
         item->set_exercise_id("running");
         item->set_exercise("exercises/running");
       }},
      {"needs EQUIPMENT_DUMBBELLS",
       [&](v1::WeeklyPlan& plan) {
         v1::PlanItem* item = first_of(plan, v1::COMPONENT_STRENGTH);
         item->set_exercise_id("dumbbell-goblet-squat");
         item->set_exercise("exercises/dumbbell-goblet-squat");
       }},
      {"cites no rule", [&](v1::WeeklyPlan& plan) { first_of(plan, v1::COMPONENT_POSTURE)->clear_rules(); }},
      {"counts as weight-bearing",
       [&](v1::WeeklyPlan& plan) {
         v1::PlanItem* item = first_of(plan, v1::COMPONENT_STRENGTH);
         item->set_exercise_id("supine-bridge");
         item->set_exercise("exercises/supine-bridge");
         item->set_counts_as_weight_bearing(true);
       }},
      {"not met with 0 shortfalls",
       [&](v1::WeeklyPlan& plan) {
         for (v1::ComponentTotal& total : *plan.mutable_totals()) {
           if (total.met()) {
             total.set_met(false);
             break;
           }
         }
       }},
      {"whose target is met",
       [&](v1::WeeklyPlan& plan) {
         for (const v1::ComponentTotal& total : plan.totals()) {
           if (total.met()) {
             plan.add_shortfalls()->set_component(total.component());
             break;
           }
         }
       }},
      {"weight-bearing total",
       [&](v1::WeeklyPlan& plan) {
         for (v1::ComponentTotal& total : *plan.mutable_totals()) {
           if (total.component() == v1::COMPONENT_WEIGHT_BEARING_AEROBIC) total.set_minutes(total.minutes() + 5);
         }
       }},
      {"strength on consecutive days",
       [&](v1::WeeklyPlan& plan) {
         const v1::PlanItem copy = *first_of(plan, v1::COMPONENT_STRENGTH);
         for (int day = 0; day < 7; ++day) {
           bool has = false;
           for (const v1::PlanItem& item : plan.days(day).sessions(0).items()) {
             has |= item.component() == v1::COMPONENT_STRENGTH;
           }
           if (has) {
             v1::PlanSession* next = plan.mutable_days((day + 1) % 7)->mutable_sessions(0);
             *next->add_items() = copy;
             next->set_minutes(next->minutes() + copy.minutes());
             break;
           }
         }
       }},
      {"minutes", [&](v1::WeeklyPlan& plan) { plan.mutable_days(3)->mutable_sessions(0)->set_minutes(1); }},
      {" > 90 minutes",
       [&](v1::WeeklyPlan& plan) {
         v1::PlanSession* session = plan.mutable_days(5)->mutable_sessions(0);
         v1::PlanItem* item = session->mutable_items(0);
         item->set_minutes(item->minutes() + 90);
         session->set_minutes(session->minutes() + 90);
       }},
      {"day 2 is", [&](v1::WeeklyPlan& plan) { plan.mutable_days(2)->set_date("2026-11-05"); }},
      {"weekday", [&](v1::WeeklyPlan& plan) { plan.mutable_days(4)->set_weekday(v1::WEEKDAY_MONDAY); }},
      {"banners", [&](v1::WeeklyPlan& plan) { plan.mutable_banners()->mutable_fall_risk()->set_flagged(true); }},
      {"plan has 6 days", [&](v1::WeeklyPlan& plan) { plan.mutable_days()->RemoveLast(); }},
  };
  for (const Breakage& breakage : breakages) {
    v1::WeeklyPlan plan = *built;
    breakage.apply(plan);
    const std::vector<std::string> problems = PlanChecker(*shipped, inputs, plan).Problems();
    EXPECT_THAT(absl::StrJoin(problems, "\n"), HasSubstr(breakage.expected)) << breakage.expected;
  }
}

}  // namespace
}  // namespace osteoflow::scheduling

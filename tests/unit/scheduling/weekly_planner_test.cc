// The weekly planner against the shipped catalog and dose targets: clinical
// cases, each checked against the clinical rule reference (sections 3-5).
#include <algorithm>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
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
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
namespace common = osteoflow::common::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace screening_v1 = osteoflow::screening::v1;

// --- the shipped catalog and dose targets, loaded once ------------------------


common::RuleCitation Cite(const std::string& id, std::initializer_list<const char*> sources = {}) {
  common::RuleCitation citation;
  citation.set_rule_id(id);
  for (const char* source : sources) citation.add_source_keys(source);
  return citation;
}

std::string TagRule(common::SafetyTag tag) {
  if (tag == common::SAFETY_TAG_BALANCE_CHALLENGE) return "IMP-FALLS";
  std::string id = common::SafetyTag_Name(tag).substr(std::string("SAFETY_TAG_").size());
  std::replace(id.begin(), id.end(), '_', '-');
  return id;
}

constexpr common::SafetyTag kAvoidTags[] = {
    common::SAFETY_TAG_AVOID_FLEXION,   common::SAFETY_TAG_AVOID_TWIST,
    common::SAFETY_TAG_AVOID_NECK,      common::SAFETY_TAG_AVOID_JERK,
    common::SAFETY_TAG_AVOID_FLOORLIFT, common::SAFETY_TAG_AVOID_FALLRISK,
    common::SAFETY_TAG_AVOID_SLR};

void Exclude(common::Restrictions& restrictions, common::SafetyTag tag) {
  common::TagExclusion* exclusion = restrictions.add_excluded_tags();
  exclusion->set_tag(tag);
  *exclusion->add_rules() = Cite(TagRule(tag), {"SEED-001"});
}

// SUP-HIGHLOAD: the screening rules cap unsupervised loads for everyone.
void CapLoad(common::Restrictions& restrictions) {
  restrictions.mutable_load_cap()->set_max_percent_one_rep_max(79);
  *restrictions.mutable_load_cap()->add_rules() = Cite("SUP-HIGHLOAD", {"LIFTMOR", "ESSA"});
}

// A 72-year-old with osteoporosis, a vertebral fracture and two falls in the
// last year, as the screening service reports her.
screening_v1::ScreeningResult VertebralFractureAndTwoFalls() {
  screening_v1::ScreeningResult result;
  result.set_outcome(screening_v1::OUTCOME_SUPERVISED_ONLY);
  *result.add_outcome_rules() = Cite("SUP-VF", {"TFTF-2014", "SEED-001"});
  *result.add_outcome_rules() = Cite("SUP-FALLS", {"NICE-NG249", "SEED-001"});
  screening_v1::BoneStatus* bone = result.mutable_bone_status();
  bone->set_category(screening_v1::BONE_CATEGORY_OSTEOPOROSIS);
  bone->set_treated_as(screening_v1::BONE_CATEGORY_OSTEOPOROSIS);
  bone->set_lowest_t_score(-2.8);
  bone->set_lowest_t_score_site(screening_v1::SKELETAL_SITE_LUMBAR_SPINE);
  bone->set_severe(true);
  *bone->add_rules() = Cite("BONE-TSCORE", {"WHO-1994"});
  *bone->add_rules() = Cite("BONE-SEVERE", {"WHO-1994"});
  screening_v1::Clearance* clearance = result.mutable_clearance();
  clearance->set_level(screening_v1::CLEARANCE_LEVEL_RECOMMENDED);
  for (const char* id : {"CLR-AGE40", "CLR-DIAGNOSIS"}) {
    screening_v1::ClearanceReason* reason = clearance->add_reasons();
    *reason->mutable_rule() = Cite(id, {"SEED-000"});
    reason->set_level(screening_v1::CLEARANCE_LEVEL_RECOMMENDED);
    reason->set_scope(screening_v1::CLEARANCE_SCOPE_BEFORE_STARTING);
    reason->set_reason(absl::StrCat("reason of ", id));
  }
  screening_v1::Supervision* supervision = result.mutable_supervision();
  supervision->set_required(true);
  *supervision->add_reasons()->mutable_rule() = Cite("SUP-VF", {"TFTF-2014"});
  supervision->mutable_reasons(0)->set_reason("a vertebral fracture: physiotherapist consultation first");
  *supervision->add_reasons()->mutable_rule() = Cite("SUP-FALLS", {"NICE-NG249"});
  supervision->mutable_reasons(1)->set_reason("recurrent falls: supervised strength and balance work");
  screening_v1::FallRisk* fall_risk = result.mutable_fall_risk();
  fall_risk->set_flagged(true);
  *fall_risk->add_reasons()->mutable_rule() = Cite("SUP-FALLS", {"NICE-NG249", "SEED-001"});
  fall_risk->mutable_reasons(0)->set_reason("two or more falls in the last 12 months");

  common::Restrictions* restrictions = result.mutable_restrictions();
  // As screening gives it: IMP-VF and IMP-FALLS both hold impact to walking level.
  restrictions->mutable_impact_ceiling()->set_level(common::IMPACT_LEVEL_LOW);
  *restrictions->mutable_impact_ceiling()->add_rules() = Cite("IMP-VF", {"ROS-2022"});
  *restrictions->mutable_impact_ceiling()->add_rules() = Cite("IMP-FALLS", {"ROS-2022", "OTAGO"});
  *restrictions->mutable_impact_ceiling()->add_rules() = Cite("IMP-VF", {"ROS-2022", "TFTF-2015"});
  for (const common::SafetyTag tag : kAvoidTags) Exclude(*restrictions, tag);
  Exclude(*restrictions, common::SAFETY_TAG_BALANCE_CHALLENGE);
  restrictions->mutable_aerobic_intensity_cap()->set_max_intensity(common::INTENSITY_MODERATE);
  *restrictions->mutable_aerobic_intensity_cap()->add_rules() = Cite("IMP-VF", {"TFTF-2015"});
  CapLoad(*restrictions);
  result.set_rule_set_version("2026.11.2+0123456789ab");
  return result;
}

// Osteopenia, no fracture, no fall-risk flag.
screening_v1::ScreeningResult Osteopenia() {
  screening_v1::ScreeningResult result;
  result.set_outcome(screening_v1::OUTCOME_PROCEED);
  result.mutable_bone_status()->set_category(screening_v1::BONE_CATEGORY_OSTEOPENIA);
  result.mutable_bone_status()->set_treated_as(screening_v1::BONE_CATEGORY_OSTEOPENIA);
  result.mutable_clearance()->set_level(screening_v1::CLEARANCE_LEVEL_NOT_NEEDED);
  common::Restrictions* restrictions = result.mutable_restrictions();
  restrictions->mutable_impact_ceiling()->set_level(common::IMPACT_LEVEL_MODERATE);
  *restrictions->mutable_impact_ceiling()->add_rules() = Cite("IMP-LOWBONE", {"ROS-2022"});
  for (const common::SafetyTag tag : kAvoidTags) Exclude(*restrictions, tag);
  CapLoad(*restrictions);
  result.set_rule_set_version("2026.11.2+0123456789ab");
  return result;
}

// Normal bone density: high impact allowed, nothing excluded.
screening_v1::ScreeningResult NormalBone() {
  screening_v1::ScreeningResult result;
  result.set_outcome(screening_v1::OUTCOME_PROCEED);
  result.mutable_bone_status()->set_category(screening_v1::BONE_CATEGORY_NORMAL);
  result.mutable_bone_status()->set_treated_as(screening_v1::BONE_CATEGORY_NORMAL);
  result.mutable_clearance()->set_level(screening_v1::CLEARANCE_LEVEL_NOT_NEEDED);
  common::Restrictions* restrictions = result.mutable_restrictions();
  restrictions->mutable_impact_ceiling()->set_level(common::IMPACT_LEVEL_HIGH);
  *restrictions->mutable_impact_ceiling()->add_rules() = Cite("IMP-NORMAL", {"SEED-000"});
  CapLoad(*restrictions);
  result.set_rule_set_version("2026.11.2+0123456789ab");
  return result;
}

v1::BuildWeeklyPlanRequest Request(const screening_v1::ScreeningResult& screening,
                                   std::initializer_list<v1::Weekday> days, int minutes,
                                   std::initializer_list<common::Equipment> equipment,
                                   int week_index = 1) {
  v1::BuildWeeklyPlanRequest request;
  *request.mutable_screening_result() = screening;
  request.set_patient_id("p-0042");
  for (const v1::Weekday day : days) request.mutable_preferences()->add_available_days(day);
  request.mutable_preferences()->set_minutes_per_day(minutes);
  for (const common::Equipment item : equipment) request.mutable_preferences()->add_equipment(item);
  request.set_week_start_date("2026-11-02");  // a Monday
  request.set_week_index(week_index);
  return request;
}

constexpr std::initializer_list<v1::Weekday> kEveryDay = {
    v1::WEEKDAY_MONDAY, v1::WEEKDAY_TUESDAY,  v1::WEEKDAY_WEDNESDAY, v1::WEEKDAY_THURSDAY,
    v1::WEEKDAY_FRIDAY, v1::WEEKDAY_SATURDAY, v1::WEEKDAY_SUNDAY};
constexpr std::initializer_list<v1::Weekday> kMonWedFri = {v1::WEEKDAY_MONDAY, v1::WEEKDAY_WEDNESDAY,
                                                           v1::WEEKDAY_FRIDAY};

// --- reading plans -------------------------------------------------------------------

struct Placed {
  int day;
  const v1::PlanItem* item;
};

std::vector<Placed> Items(const v1::WeeklyPlan& plan) {
  std::vector<Placed> items;
  for (int day = 0; day < plan.days_size(); ++day) {
    for (const v1::PlanSession& session : plan.days(day).sessions()) {
      for (const v1::PlanItem& item : session.items()) items.push_back({day, &item});
    }
  }
  return items;
}

std::vector<Placed> ItemsOf(const v1::WeeklyPlan& plan, v1::Component component) {
  std::vector<Placed> items;
  for (const Placed& placed : Items(plan)) {
    if (placed.item->component() == component) items.push_back(placed);
  }
  return items;
}

std::set<int> DaysOf(const v1::WeeklyPlan& plan, v1::Component component) {
  std::set<int> days;
  for (const Placed& placed : ItemsOf(plan, component)) days.insert(placed.day);
  return days;
}

int MinutesOn(const v1::WeeklyPlan& plan, int day, v1::Component component) {
  int minutes = 0;
  for (const Placed& placed : ItemsOf(plan, component)) {
    if (placed.day == day) minutes += placed.item->minutes();
  }
  return minutes;
}

const v1::ComponentTotal* TotalOf(const v1::WeeklyPlan& plan, v1::Component component) {
  for (const v1::ComponentTotal& total : plan.totals()) {
    if (total.component() == component) return &total;
  }
  return nullptr;
}

const v1::Shortfall* ShortfallOf(const v1::WeeklyPlan& plan, v1::Component component) {
  for (const v1::Shortfall& shortfall : plan.shortfalls()) {
    if (shortfall.component() == component) return &shortfall;
  }
  return nullptr;
}

std::vector<std::string> RuleIds(const v1::PlanItem& item) {
  std::vector<std::string> ids;
  for (const common::RuleCitation& rule : item.rules()) ids.push_back(rule.rule_id());
  return ids;
}

std::set<std::string> ExerciseIds(const v1::WeeklyPlan& plan) {
  std::set<std::string> ids;
  for (const Placed& placed : Items(plan)) ids.insert(placed.item->exercise_id());
  return ids;
}

bool Neighbouring(int a, int b) { return (a + 1) % 7 == b || (b + 1) % 7 == a; }

bool AnyTwoNeighbouring(const std::set<int>& days) {
  for (const int a : days) {
    for (const int b : days) {
      if (a != b && Neighbouring(a, b)) return true;
    }
  }
  return false;
}

class WeeklyPlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shipped_ = LoadShipped();
    ASSERT_NE(shipped_, nullptr) << "the shipped catalog or plan rules did not load";
  }

  // The path the service takes: validate, canonical inputs, catalog check, plan.
  absl::StatusOr<v1::WeeklyPlan> Plan(const v1::BuildWeeklyPlanRequest& request) {
    const absl::Status valid = ValidateBuildRequest(request);
    EXPECT_TRUE(valid.ok()) << valid;
    if (!valid.ok()) return valid;
    const v1::PlanInputs inputs = CanonicalInputs(request, request.screening_result());
    const absl::Status known = CheckAgainstCatalog(inputs, *shipped_->catalog);
    EXPECT_TRUE(known.ok()) << known;
    if (!known.ok()) return known;
    return BuildWeeklyPlan(inputs, *shipped_->planning, *shipped_->rules);
  }

  v1::WeeklyPlan PlanOk(const v1::BuildWeeklyPlanRequest& request) {
    absl::StatusOr<v1::WeeklyPlan> plan = Plan(request);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *std::move(plan) : v1::WeeklyPlan();
  }

  const catalog_v1::Exercise& ExerciseOf(const v1::PlanItem& item) const {
    const catalog_v1::Exercise* exercise = shipped_->catalog->Find(item.exercise_id());
    EXPECT_NE(exercise, nullptr) << item.exercise_id();
    static const catalog_v1::Exercise* const kNone = new catalog_v1::Exercise();
    return exercise != nullptr ? *exercise : *kNone;
  }

  // Safety first: everything in the plan is allowed as it stands.
  void ExpectOnlyAllowedItems(const v1::WeeklyPlan& plan, const common::Restrictions& restrictions) {
    for (const Placed& placed : Items(plan)) {
      const catalog_v1::Exercise& exercise = ExerciseOf(*placed.item);
      for (const common::TagExclusion& exclusion : restrictions.excluded_tags()) {
        EXPECT_THAT(exercise.safety_tags(), Not(Contains(exclusion.tag())))
            << exercise.id() << " carries excluded " << common::SafetyTag_Name(exclusion.tag());
      }
      EXPECT_LE(exercise.impact_level(), restrictions.impact_ceiling().level()) << exercise.id();
      EXPECT_EQ(catalog::VerdictOf(exercise, restrictions), catalog_v1::VERDICT_ALLOWED) << exercise.id();
      EXPECT_FALSE(placed.item->rules().empty()) << exercise.id();
    }
  }

  const Shipped* shipped_ = nullptr;
};

// --- a 72-year-old with a vertebral fracture and two falls ------------------------------

TEST_F(WeeklyPlannerTest, VertebralFractureAndTwoFallsGetsASafeBalanceFirstWeek) {
  const screening_v1::ScreeningResult screening = VertebralFractureAndTwoFalls();
  const v1::WeeklyPlan plan = PlanOk(Request(
      screening, kEveryDay, 60, {common::EQUIPMENT_CHAIR, common::EQUIPMENT_RESISTANCE_BAND}));
  ASSERT_EQ(plan.days_size(), 7);
  ExpectOnlyAllowedItems(plan, screening.restrictions());

  // Nothing above the impact ceiling (LOW: walking), nothing aerobic above
  // the intensity cap (IMP-VF: moderate).
  for (const Placed& placed : Items(plan)) {
    const catalog_v1::Exercise& exercise = ExerciseOf(*placed.item);
    EXPECT_LE(exercise.impact_level(), common::IMPACT_LEVEL_LOW) << exercise.id();
    if (placed.item->component() == v1::COMPONENT_WEIGHT_BEARING_AEROBIC) {
      EXPECT_LE(exercise.intensity(), common::INTENSITY_MODERATE) << exercise.id();
    }
  }

  // IMP-FALLS: walking stays, on level ground in short bouts, and says why.
  const std::vector<Placed> walks = ItemsOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
  EXPECT_GE(walks.size(), 2u);
  for (const Placed& placed : walks) {
    EXPECT_EQ(ExerciseOf(*placed.item).movement_pattern(), catalog_v1::MOVEMENT_PATTERN_LOCOMOTION);
    EXPECT_THAT(RuleIds(*placed.item), Contains("IMP-FALLS"));
    EXPECT_THAT(placed.item->cues(), Contains(HasSubstr("level ground")));
    EXPECT_EQ(placed.item->minutes(), shipped_->rules->document().weight_bearing().fall_risk_start_minutes());
  }

  // Balance first (DOSE-BALANCE with the fall-risk flag): at least 3 days of
  // the full daily dose, each item citing the flag's rule.
  const v1::BalanceDose& balance = shipped_->rules->document().balance();
  const std::set<int> balance_days = DaysOf(plan, v1::COMPONENT_BALANCE);
  EXPECT_GE(balance_days.size(), 3u);
  for (const int day : balance_days) EXPECT_GE(MinutesOn(plan, day, v1::COMPONENT_BALANCE), balance.minutes_per_day());
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_BALANCE)) {
    EXPECT_THAT(RuleIds(*placed.item), Contains("DOSE-BALANCE"));
    EXPECT_THAT(RuleIds(*placed.item), Contains("SUP-FALLS"));
    // Week 1 with fall risk: the ladder's first level, holding on (PROG-BALANCE).
    EXPECT_THAT(RuleIds(*placed.item), Contains("PROG-BALANCE"));
    EXPECT_EQ(ExerciseOf(*placed.item).movement_pattern(), catalog_v1::MOVEMENT_PATTERN_STATIC_BALANCE)
        << placed.item->exercise_id();
    EXPECT_EQ(placed.item->balance_level(), catalog_v1::BALANCE_LEVEL_FEET_TOGETHER);
    EXPECT_TRUE(placed.item->hand_support());
  }
  // Seven days of an hour hold the week's 120 balance minutes.
  const v1::ComponentTotal* balance_total = TotalOf(plan, v1::COMPONENT_BALANCE);
  ASSERT_NE(balance_total, nullptr);
  EXPECT_TRUE(balance_total->met());
  EXPECT_EQ(balance_total->minutes(), balance.weekly_minutes());
  EXPECT_EQ(balance_total->rule().rule_id(), "DOSE-BALANCE");

  // Strength on 2 non-consecutive days, every pattern each day (DOSE-STRENGTH).
  const std::set<int> strength_days = DaysOf(plan, v1::COMPONENT_STRENGTH);
  EXPECT_EQ(strength_days.size(), 2u);
  EXPECT_FALSE(AnyTwoNeighbouring(strength_days));
  for (const int day : strength_days) {
    std::set<int> patterns;
    for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_STRENGTH)) {
      if (placed.day == day) patterns.insert(ExerciseOf(*placed.item).movement_pattern());
    }
    EXPECT_EQ(patterns, (std::set<int>{catalog_v1::MOVEMENT_PATTERN_HINGE, catalog_v1::MOVEMENT_PATTERN_SQUAT,
                                       catalog_v1::MOVEMENT_PATTERN_PUSH, catalog_v1::MOVEMENT_PATTERN_PULL,
                                       catalog_v1::MOVEMENT_PATTERN_SPINAL_EXTENSION}))
        << "day " << day;
  }
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_STRENGTH)) {
    const std::vector<std::string> ids = RuleIds(*placed.item);
    EXPECT_THAT(ids, Contains("DOSE-STRENGTH"));
    EXPECT_THAT(ids, Contains("DOSE-REPS"));
    EXPECT_THAT(ids, Contains("PROG-START"));  // week 1, nothing recorded yet
    // AVOID-FLEXION excluded: resistance work carries the hinge cue and its rule.
    EXPECT_THAT(ids, Contains("AVOID-FLEXION"));
    const common::SetsReps& dose = placed.item->dose().sets_reps();
    EXPECT_EQ(dose.sets(), 2);  // DOSE-REPS: 2 sets to start
    EXPECT_GE(dose.reps_min(), 1);
    EXPECT_LE(dose.reps_max(), 12);
    if (!placed.item->dose().load_guide().empty()) {
      EXPECT_THAT(ids, Contains("SUP-HIGHLOAD"));
    }
  }
  const v1::ComponentTotal* strength_total = TotalOf(plan, v1::COMPONENT_STRENGTH);
  ASSERT_NE(strength_total, nullptr);
  EXPECT_TRUE(strength_total->met());
  EXPECT_EQ(strength_total->days(), 2);

  // No impact at all: the target is reported, naming the rules that forbid it.
  EXPECT_THAT(ItemsOf(plan, v1::COMPONENT_IMPACT), IsEmpty());
  const v1::ComponentTotal* impact_total = TotalOf(plan, v1::COMPONENT_IMPACT);
  ASSERT_NE(impact_total, nullptr);
  EXPECT_FALSE(impact_total->met());
  EXPECT_EQ(impact_total->impacts(), 0);
  const v1::Shortfall* impact = ShortfallOf(plan, v1::COMPONENT_IMPACT);
  ASSERT_NE(impact, nullptr);
  EXPECT_EQ(impact->rule().rule_id(), "DOSE-IMPACT");
  EXPECT_THAT(impact->reason(), HasSubstr("IMP-FALLS"));
  EXPECT_FALSE(impact->target().empty());
  EXPECT_FALSE(impact->planned().empty());

  // Banners travel with the plan unchanged.
  EXPECT_TRUE(MessageDifferencer::Equals(plan.banners().clearance(), screening.clearance()));
  EXPECT_TRUE(MessageDifferencer::Equals(plan.banners().supervision(), screening.supervision()));
  EXPECT_TRUE(MessageDifferencer::Equals(plan.banners().fall_risk(), screening.fall_risk()));
  EXPECT_TRUE(plan.banners().supervision().required());
  EXPECT_TRUE(plan.banners().fall_risk().flagged());

  EXPECT_EQ(plan.rule_set_version(), screening.rule_set_version());
  EXPECT_EQ(plan.catalog_digest(), shipped_->catalog->content_digest());
  EXPECT_EQ(plan.catalog_version(), shipped_->catalog->version());
  EXPECT_EQ(plan.plan_rules_version(), shipped_->rules->version());
  EXPECT_EQ(plan.patient_id(), "p-0042");
}

// --- IMP-FALLS walking and the PROG-BALANCE ladder ------------------------------------------

TEST_F(WeeklyPlannerTest, AFallFlaggedWeekOfFiveFortyMinuteDaysWalksAndHoldsOnForBalance) {
  const screening_v1::ScreeningResult screening = VertebralFractureAndTwoFalls();
  const v1::WeeklyPlan plan = PlanOk(Request(
      screening,
      {v1::WEEKDAY_MONDAY, v1::WEEKDAY_TUESDAY, v1::WEEKDAY_WEDNESDAY, v1::WEEKDAY_THURSDAY, v1::WEEKDAY_FRIDAY},
      40, {}));
  ExpectOnlyAllowedItems(plan, screening.restrictions());
  const std::vector<Placed> walks = ItemsOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
  ASSERT_FALSE(walks.empty());
  for (const Placed& placed : walks) {
    EXPECT_EQ(ExerciseOf(*placed.item).movement_pattern(), catalog_v1::MOVEMENT_PATTERN_LOCOMOTION)
        << placed.item->exercise_id();
    EXPECT_THAT(RuleIds(*placed.item), Contains("IMP-FALLS"));
  }
  EXPECT_THAT(ItemsOf(plan, v1::COMPONENT_IMPACT), IsEmpty());
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_BALANCE)) {
    EXPECT_EQ(ExerciseOf(*placed.item).movement_pattern(), catalog_v1::MOVEMENT_PATTERN_STATIC_BALANCE)
        << placed.item->exercise_id();
    EXPECT_TRUE(placed.item->hand_support()) << placed.item->exercise_id();
  }
  const std::set<std::string> planned = ExerciseIds(plan);
  EXPECT_THAT(planned, Not(Contains("single-leg-stance")));
  EXPECT_THAT(planned, Not(Contains("yoga-tree-pose")));
}

TEST_F(WeeklyPlannerTest, AFallFlaggedWeekOfTwoTwentyMinuteDaysStillWalks) {
  const v1::WeeklyPlan plan =
      PlanOk(Request(VertebralFractureAndTwoFalls(), {v1::WEEKDAY_MONDAY, v1::WEEKDAY_THURSDAY}, 20, {}));
  EXPECT_EQ(DaysOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC).size(), 2u);
  EXPECT_EQ(DaysOf(plan, v1::COMPONENT_BALANCE).size(), 2u);
}

TEST_F(WeeklyPlannerTest, BalanceFollowsTheLadderStepProgressRecorded) {
  // Tandem held without support: tandem and the levels below it, no hand
  // support; nothing single-leg or moving yet.
  v1::BuildWeeklyPlanRequest request = Request(Osteopenia(), kEveryDay, 60, {common::EQUIPMENT_CHAIR}, 4);
  v1::ExerciseProgression* step = request.add_progression();
  step->set_exercise("exercises/tandem-stance");
  step->set_sets(2);
  step->set_reps(3);
  step->set_balance_level(catalog_v1::BALANCE_LEVEL_TANDEM);
  const v1::WeeklyPlan tandem = PlanOk(request);
  ASSERT_FALSE(ItemsOf(tandem, v1::COMPONENT_BALANCE).empty());
  bool at_tandem = false;
  for (const Placed& placed : ItemsOf(tandem, v1::COMPONENT_BALANCE)) {
    EXPECT_LE(placed.item->balance_level(), catalog_v1::BALANCE_LEVEL_TANDEM) << placed.item->exercise_id();
    EXPECT_FALSE(placed.item->hand_support()) << placed.item->exercise_id();
    at_tandem |= placed.item->balance_level() == catalog_v1::BALANCE_LEVEL_TANDEM;
  }
  EXPECT_TRUE(at_tandem);

  // Moving balance with support: the moving level leads, done holding on.
  step->set_balance_level(catalog_v1::BALANCE_LEVEL_DYNAMIC);
  step->set_balance_hand_support(true);
  const v1::WeeklyPlan moving = PlanOk(request);
  int dynamic = 0;
  for (const Placed& placed : ItemsOf(moving, v1::COMPONENT_BALANCE)) {
    EXPECT_LE(placed.item->balance_level(), catalog_v1::BALANCE_LEVEL_DYNAMIC) << placed.item->exercise_id();
    if (placed.item->balance_level() == catalog_v1::BALANCE_LEVEL_DYNAMIC) {
      ++dynamic;
      EXPECT_TRUE(placed.item->hand_support()) << placed.item->exercise_id();
    }
  }
  EXPECT_GT(dynamic, 0);
}

TEST_F(WeeklyPlannerTest, AWeekBelowTheBalanceMinutesReportsTheShortfall) {
  const v1::WeeklyPlan plan = PlanOk(Request(Osteopenia(), kMonWedFri, 30, {}, 1));
  const v1::ComponentTotal* total = TotalOf(plan, v1::COMPONENT_BALANCE);
  ASSERT_NE(total, nullptr);
  int minutes = 0;
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_BALANCE)) minutes += placed.item->minutes();
  EXPECT_EQ(total->minutes(), minutes);
  EXPECT_LT(minutes, shipped_->rules->document().balance().weekly_minutes());
  EXPECT_FALSE(total->met());
  const v1::Shortfall* shortfall = ShortfallOf(plan, v1::COMPONENT_BALANCE);
  ASSERT_NE(shortfall, nullptr);
  EXPECT_EQ(shortfall->rule().rule_id(), "DOSE-BALANCE");
  EXPECT_FALSE(shortfall->reason().empty());
  EXPECT_THAT(shortfall->planned(), HasSubstr(absl::StrCat(minutes, " minutes")));
}

// --- RULES §5: progression within the week's time --------------------------------------------

// Every strength exercise of the week as progress passes it after a week done
// above the range without load: one set more than last week.
void AddSetToEveryStrengthExercise(const v1::WeeklyPlan& before, v1::BuildWeeklyPlanRequest& request) {
  std::set<std::string> seen;
  for (const v1::PlanDay& day : before.days()) {
    for (const v1::PlanSession& session : day.sessions()) {
      for (const v1::PlanItem& item : session.items()) {
        if (item.component() != v1::COMPONENT_STRENGTH || !seen.insert(item.exercise()).second) continue;
        v1::ExerciseProgression* entry = request.add_progression();
        entry->set_exercise(item.exercise());
        entry->set_sets(item.dose().sets_reps().sets() + 1);
        entry->set_sets_before(item.dose().sets_reps().sets());
        entry->set_reps(8);
      }
    }
  }
}

TEST_F(WeeklyPlannerTest, AnAddedSetThatCrowdsAShortWeekIsHeldAndTheTradeOffNamed) {
  const v1::BuildWeeklyPlanRequest plain = Request(Osteopenia(), kMonWedFri, 30, {}, 2);
  const v1::WeeklyPlan before = PlanOk(plain);
  v1::BuildWeeklyPlanRequest request = plain;
  AddSetToEveryStrengthExercise(before, request);
  const v1::WeeklyPlan plan = PlanOk(request);
  // The rest of the week keeps what it held with last week's sets.
  for (const v1::Component component : {v1::COMPONENT_IMPACT, v1::COMPONENT_POSTURE, v1::COMPONENT_BALANCE,
                                        v1::COMPONENT_WEIGHT_BEARING_AEROBIC}) {
    EXPECT_GE(TotalOf(plan, component)->impacts(), TotalOf(before, component)->impacts()) << component;
    EXPECT_GE(TotalOf(plan, component)->minutes(), TotalOf(before, component)->minutes()) << component;
    EXPECT_GE(TotalOf(plan, component)->days(), TotalOf(before, component)->days()) << component;
  }
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_STRENGTH)) {
    EXPECT_EQ(placed.item->dose().sets_reps().sets(), 2) << placed.item->exercise_id();
  }
  ASSERT_FALSE(plan.trade_offs().empty());
  for (const v1::TradeOff& trade_off : plan.trade_offs()) {
    EXPECT_EQ(trade_off.component(), v1::COMPONENT_STRENGTH);
    EXPECT_EQ(trade_off.progressed(), "3 sets");
    EXPECT_EQ(trade_off.planned(), "2 sets");
    EXPECT_THAT(trade_off.reason(), HasSubstr("progress by load or a harder variant"));
    ASSERT_FALSE(trade_off.rules().empty());
  }
}

TEST_F(WeeklyPlannerTest, AnAddedSetThatFitsTheWeekIsKept) {
  const v1::BuildWeeklyPlanRequest plain = Request(Osteopenia(), kEveryDay, 90, {}, 2);
  v1::BuildWeeklyPlanRequest request = plain;
  AddSetToEveryStrengthExercise(PlanOk(plain), request);
  const v1::WeeklyPlan plan = PlanOk(request);
  EXPECT_THAT(plan.trade_offs(), IsEmpty());
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_STRENGTH)) {
    EXPECT_EQ(placed.item->dose().sets_reps().sets(), 3) << placed.item->exercise_id();
  }
}

TEST_F(WeeklyPlannerTest, FallRiskBalanceIsPlacedFirstOnShortDays) {
  // Three days of 30 minutes: balance gets its days before anything else.
  const v1::WeeklyPlan plan = PlanOk(Request(VertebralFractureAndTwoFalls(), kMonWedFri, 30,
                                             {common::EQUIPMENT_CHAIR, common::EQUIPMENT_RESISTANCE_BAND}));
  const v1::BalanceDose& balance = shipped_->rules->document().balance();
  const std::set<int> balance_days = DaysOf(plan, v1::COMPONENT_BALANCE);
  EXPECT_EQ(balance_days, (std::set<int>{0, 2, 4}));
  for (const int day : balance_days) {
    EXPECT_GE(MinutesOn(plan, day, v1::COMPONENT_BALANCE), balance.min_minutes()) << day;
  }
  EXPECT_FALSE(AnyTwoNeighbouring(DaysOf(plan, v1::COMPONENT_STRENGTH)));
  // Balance items cite the fall-risk rule and the dose rule.
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_BALANCE)) {
    EXPECT_THAT(RuleIds(*placed.item), Contains("SUP-FALLS"));
    EXPECT_THAT(RuleIds(*placed.item), Contains("DOSE-BALANCE"));
  }
  // Every target not met is reported.
  for (const v1::ComponentTotal& total : plan.totals()) {
    if (!total.met()) {
      EXPECT_NE(ShortfallOf(plan, total.component()), nullptr) << total.component();
    }
  }
}

TEST_F(WeeklyPlannerTest, AShortFallRiskBalanceTargetSaysWhatTookItsTime) {
  // DEFECT: with a fall-risk flag balance is the first priority, yet on
  // short days strength's whole block is placed before balance grows past
  // its smallest dose, and the balance shortfall then reads "time given to
  // higher priorities ()", naming nothing. Reproduction: the screening of
  // VertebralFractureAndTwoFalls(), preferences Monday, Wednesday and Friday,
  // 30 minutes a day, chair and resistance band, week_index 1, week starting
  // 2026-11-02. Balance gets 10, 15 and 10 minutes (target 15 on 3 days).
  // Expected: a reason that names what took the time (strength's block), or
  // balance topped up before the lower priorities.
  const v1::WeeklyPlan plan = PlanOk(Request(VertebralFractureAndTwoFalls(), kMonWedFri, 30,
                                             {common::EQUIPMENT_CHAIR, common::EQUIPMENT_RESISTANCE_BAND}));
  for (const v1::Shortfall& shortfall : plan.shortfalls()) {
    EXPECT_THAT(shortfall.reason(), Not(HasSubstr("()"))) << v1::Component_Name(shortfall.component());
  }
}

// --- osteopenia, 30 minutes on 3 days --------------------------------------------------------

// The order time is given in, as weekly_planner.h documents it after the dose
// rules: balance when fall risk is flagged, strength, impact, weight-bearing
// minutes, then the unranked balance, posture and stretching; smallest doses
// first, top-ups after in the same order.

TEST_F(WeeklyPlannerTest, OsteopeniaOnThreeShortDaysKeepsThePriorityOrderAndReportsEveryShortfall) {
  const screening_v1::ScreeningResult screening = Osteopenia();
  const v1::WeeklyPlan plan = PlanOk(Request(screening, kMonWedFri, 30, {}));
  ExpectOnlyAllowedItems(plan, screening.restrictions());
  for (int day : {1, 3, 5, 6}) EXPECT_THAT(plan.days(day).sessions(), IsEmpty()) << day;
  for (int day : {0, 2, 4}) {
    int minutes = 0;
    for (const v1::PlanSession& session : plan.days(day).sessions()) minutes += session.minutes();
    EXPECT_LE(minutes, 30) << day;
  }

  // Strength comes first without a fall-risk flag, as a whole block: 2
  // non-consecutive days (Monday and Friday are 3 and 4 days apart,
  // wrapping), every pattern.
  const v1::ComponentTotal* strength = TotalOf(plan, v1::COMPONENT_STRENGTH);
  ASSERT_NE(strength, nullptr);
  EXPECT_TRUE(strength->met());
  EXPECT_EQ(DaysOf(plan, v1::COMPONENT_STRENGTH), (std::set<int>{0, 4}));
  EXPECT_EQ(ShortfallOf(plan, v1::COMPONENT_STRENGTH), nullptr);
  EXPECT_EQ(MinutesOn(plan, 0, v1::COMPONENT_STRENGTH), 20);  // 5 patterns x 2 sets x 2 min
  EXPECT_EQ(MinutesOn(plan, 4, v1::COMPONENT_STRENGTH), 20);

  // Impact next: allowed (moderate ceiling) and built up from 20 a day
  // (PROG-IMPACT), on every available day; 4 days are needed.
  EXPECT_EQ(DaysOf(plan, v1::COMPONENT_IMPACT), (std::set<int>{0, 2, 4}));
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_IMPACT)) {
    EXPECT_EQ(placed.item->dose().impacts(), 20);
    EXPECT_THAT(RuleIds(*placed.item), Contains("PROG-IMPACT"));
    EXPECT_THAT(RuleIds(*placed.item), Contains("IMP-LOWBONE"));
    EXPECT_THAT(RuleIds(*placed.item), Contains("DOSE-IMPACT"));
    EXPECT_LE(ExerciseOf(*placed.item).impact_level(), common::IMPACT_LEVEL_MODERATE);
  }
  const v1::Shortfall* impact = ShortfallOf(plan, v1::COMPONENT_IMPACT);
  ASSERT_NE(impact, nullptr);
  EXPECT_EQ(impact->rule().rule_id(), "DOSE-IMPACT");
  EXPECT_THAT(impact->reason(), HasSubstr("only 3 available days"));
  EXPECT_THAT(impact->reason(), HasSubstr("needs 4"));
  EXPECT_EQ(TotalOf(plan, v1::COMPONENT_IMPACT)->impacts(), 60);

  // Weight-bearing minutes next: a bout only where 10 minutes are still free
  // (Wednesday); 5 days are needed.
  EXPECT_EQ(DaysOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC), (std::set<int>{2}));
  EXPECT_GE(MinutesOn(plan, 2, v1::COMPONENT_WEIGHT_BEARING_AEROBIC), 10);
  const v1::Shortfall* aerobic = ShortfallOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
  ASSERT_NE(aerobic, nullptr);
  EXPECT_EQ(aerobic->rule().rule_id(), "DOSE-WB");
  EXPECT_THAT(aerobic->reason(), HasSubstr("only 3 available days"));
  EXPECT_THAT(aerobic->reason(), HasSubstr("needs 5"));

  // Balance (no fall-risk flag) after the ranked components: one day only,
  // short of time given to strength, impact and weight-bearing activity.
  EXPECT_EQ(DaysOf(plan, v1::COMPONENT_BALANCE), (std::set<int>{2}));
  const v1::Shortfall* balance = ShortfallOf(plan, v1::COMPONENT_BALANCE);
  ASSERT_NE(balance, nullptr);
  EXPECT_EQ(balance->rule().rule_id(), "DOSE-BALANCE");
  EXPECT_THAT(balance->reason(), HasSubstr("higher priorities (strength, impact, weight-bearing activity, "
                                          "the smallest doses of posture and stretching)"));

  // Posture on every available day, but the target is daily: 3 of 7.
  EXPECT_EQ(DaysOf(plan, v1::COMPONENT_POSTURE), (std::set<int>{0, 2, 4}));
  const v1::Shortfall* posture = ShortfallOf(plan, v1::COMPONENT_POSTURE);
  ASSERT_NE(posture, nullptr);
  EXPECT_EQ(posture->rule().rule_id(), "DOSE-POSTURE");
  EXPECT_THAT(posture->reason(), HasSubstr("only 3 available days"));

  // Stretching is last: reported, with every higher priority named.
  const v1::Shortfall* stretching = ShortfallOf(plan, v1::COMPONENT_FLEXIBILITY);
  ASSERT_NE(stretching, nullptr);
  EXPECT_EQ(stretching->rule().rule_id(), "DOSE-FLEX");
  EXPECT_THAT(stretching->reason(),
              HasSubstr("higher priorities (strength, impact, weight-bearing activity, balance, posture)"));

  // No lower-priority component holds time on a day where a higher one was
  // left short while the day still had room: every short day is full.
  for (const int day : {0, 2, 4}) {
    int minutes = 0;
    for (const v1::PlanSession& session : plan.days(day).sessions()) minutes += session.minutes();
    if (MinutesOn(plan, day, v1::COMPONENT_WEIGHT_BEARING_AEROBIC) > 0 &&
        MinutesOn(plan, day, v1::COMPONENT_WEIGHT_BEARING_AEROBIC) < 30) {
      EXPECT_EQ(minutes, 30) << "day " << day << " has a short bout and idle minutes";
    }
  }

  // Every target not met is a shortfall, and every shortfall is a target not met.
  std::set<int> not_met, reported;
  for (const v1::ComponentTotal& total : plan.totals()) {
    if (!total.met()) not_met.insert(total.component());
  }
  for (const v1::Shortfall& shortfall : plan.shortfalls()) {
    reported.insert(shortfall.component());
    EXPECT_FALSE(shortfall.reason().empty());
    EXPECT_THAT(shortfall.reason(), AnyOf(HasSubstr("day"), HasSubstr("minute"), HasSubstr("priorit")));
    EXPECT_FALSE(shortfall.planned().empty());
    EXPECT_FALSE(shortfall.target().empty());
  }
  EXPECT_EQ(not_met, reported);
  EXPECT_EQ(not_met, (std::set<int>{v1::COMPONENT_POSTURE, v1::COMPONENT_IMPACT, v1::COMPONENT_BALANCE,
                                    v1::COMPONENT_WEIGHT_BEARING_AEROBIC, v1::COMPONENT_FLEXIBILITY}));
}

TEST_F(WeeklyPlannerTest, WeightBearingTimeStartsLowWithoutARecordedProgression) {
  // PROG-START: with nothing recorded, bouts start at 15 minutes and the
  // target is reported as building up, not as short of time.
  const v1::WeeklyPlan plan = PlanOk(Request(Osteopenia(), kEveryDay, 90, {}, 1));
  const v1::ComponentTotal* aerobic = TotalOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
  ASSERT_NE(aerobic, nullptr);
  EXPECT_FALSE(aerobic->met());
  EXPECT_EQ(aerobic->days(), 7);
  EXPECT_EQ(aerobic->minutes(), 7 * 15);
  const v1::Shortfall* shortfall = ShortfallOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
  ASSERT_NE(shortfall, nullptr);
  EXPECT_THAT(shortfall->reason(), HasSubstr("PROG-START"));
}

TEST_F(WeeklyPlannerTest, OsteopeniaWithTimeForEverythingMeetsTheTargetsTheDaysAllow) {
  const screening_v1::ScreeningResult screening = Osteopenia();
  // Walking already built up to the full time in earlier weeks.
  v1::BuildWeeklyPlanRequest request = Request(screening, kEveryDay, 90, {}, 3);
  v1::ExerciseProgression* walking = request.add_progression();
  walking->set_exercise("exercises/brisk-walking");
  walking->set_minutes(30);
  const v1::WeeklyPlan plan = PlanOk(request);
  ExpectOnlyAllowedItems(plan, screening.restrictions());
  for (const v1::Component component :
       {v1::COMPONENT_STRENGTH, v1::COMPONENT_POSTURE, v1::COMPONENT_BALANCE,
        v1::COMPONENT_WEIGHT_BEARING_AEROBIC, v1::COMPONENT_FLEXIBILITY}) {
    const v1::ComponentTotal* total = TotalOf(plan, component);
    ASSERT_NE(total, nullptr) << component;
    EXPECT_TRUE(total->met()) << v1::Component_Name(component) << ": "
                              << (ShortfallOf(plan, component) ? ShortfallOf(plan, component)->reason() : "");
  }
  // Impact builds up from 20 a day: placed on at least 4 days, reported as
  // building up (PROG-IMPACT) rather than as short of time.
  EXPECT_GE(DaysOf(plan, v1::COMPONENT_IMPACT).size(), 4u);
  const v1::Shortfall* impact = ShortfallOf(plan, v1::COMPONENT_IMPACT);
  ASSERT_NE(impact, nullptr);
  EXPECT_THAT(impact->reason(), HasSubstr("PROG-IMPACT"));
  // Weight-bearing: at least 150 minutes on at least 5 days.
  const v1::ComponentTotal* aerobic = TotalOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
  EXPECT_GE(aerobic->minutes(), 150);
  EXPECT_GE(aerobic->days(), 5);
  // Stretching follows each strength session, on the same day.
  EXPECT_EQ(DaysOf(plan, v1::COMPONENT_FLEXIBILITY), DaysOf(plan, v1::COMPONENT_STRENGTH));
  for (const v1::PlanDay& day : plan.days()) {
    for (const v1::PlanSession& session : day.sessions()) {
      ASSERT_FALSE(session.items().empty());
      int minutes = 0;
      for (const v1::PlanItem& item : session.items()) minutes += item.minutes();
      EXPECT_EQ(session.minutes(), minutes);
      EXPECT_LE(session.minutes(), 90);
      EXPECT_FALSE(session.title().empty());
      // Stretching closes a session.
      for (int i = 0; i + 1 < session.items_size(); ++i) {
        if (session.items(i).component() == v1::COMPONENT_FLEXIBILITY) {
          EXPECT_EQ(session.items(i + 1).component(), v1::COMPONENT_FLEXIBILITY) << day.date();
        }
      }
    }
  }
}

// --- normal bone density, no equipment ------------------------------------------------------

TEST_F(WeeklyPlannerTest, NormalBoneWithoutEquipmentNeedsNoneAndMayJumpAndRun) {
  const screening_v1::ScreeningResult screening = NormalBone();
  bool high_impact_seen = false;
  for (int week = 1; week <= 12; ++week) {
    const v1::WeeklyPlan plan = PlanOk(Request(screening, kEveryDay, 75, {}, week));
    ExpectOnlyAllowedItems(plan, screening.restrictions());
    for (const Placed& placed : Items(plan)) {
      const catalog_v1::Exercise& exercise = ExerciseOf(*placed.item);
      EXPECT_THAT(exercise.equipment(), IsEmpty()) << "week " << week << ": " << exercise.id();
      high_impact_seen |= exercise.impact_level() == common::IMPACT_LEVEL_HIGH;
    }
    for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_IMPACT)) {
      EXPECT_THAT(RuleIds(*placed.item), Contains("IMP-NORMAL"));
    }
    EXPECT_GE(DaysOf(plan, v1::COMPONENT_IMPACT).size(), 4u) << "week " << week;
  }
  // IMP-NORMAL allows high impact: running or high-impact aerobics take their turn.
  EXPECT_TRUE(high_impact_seen);
  // And the matcher agrees, for the high-impact entries that need no equipment.
  for (const char* id : {"running", "high-impact-aerobics"}) {
    const catalog_v1::Exercise* exercise = shipped_->catalog->Find(id);
    ASSERT_NE(exercise, nullptr) << id;
    EXPECT_EQ(catalog::VerdictOf(*exercise, screening.restrictions()), catalog_v1::VERDICT_ALLOWED) << id;
  }
}

// --- referral ---------------------------------------------------------------------------------

TEST_F(WeeklyPlannerTest, AReferredScreeningGetsNoPlanAndNamesTheRedFlag) {
  screening_v1::ScreeningResult screening = Osteopenia();
  screening.set_outcome(screening_v1::OUTCOME_REFER);
  screening.clear_outcome_rules();
  *screening.add_outcome_rules() = Cite("RF-CHEST", {"ACSM-2015"});
  screening_v1::RedFlag* flag = screening.add_red_flags();
  *flag->mutable_rule() = Cite("RF-CHEST", {"ACSM-2015", "PAR-Q+"});
  flag->set_finding("chest pain");
  flag->set_refer_to(screening_v1::REFERRAL_TARGET_DOCTOR);
  const absl::StatusOr<v1::WeeklyPlan> plan = Plan(Request(screening, kEveryDay, 60, {}));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("RF-CHEST"));
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("chest pain"));
}

TEST_F(WeeklyPlannerTest, AReferralNamesEveryRedFlag) {
  screening_v1::ScreeningResult screening;
  screening.set_outcome(screening_v1::OUTCOME_REFER);
  screening.set_rule_set_version("2026.11.2+0123456789ab");
  for (const auto& [id, finding] : {std::pair{"RF-HEIGHT", "height loss of more than 3 cm"},
                                    std::pair{"RF-RECENT-FX", "a fracture in the last 12 weeks"}}) {
    screening_v1::RedFlag* flag = screening.add_red_flags();
    *flag->mutable_rule() = Cite(id);
    flag->set_finding(finding);
  }
  const absl::Status status = ReferralStatus(screening);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("RF-HEIGHT"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("RF-RECENT-FX"));
  // No red flags listed: the outcome's rules are named instead.
  screening.clear_red_flags();
  *screening.add_outcome_rules() = Cite("RF-BREATH");
  EXPECT_THAT(std::string(ReferralStatus(screening).message()), HasSubstr("RF-BREATH"));
  // Restrictions absent (a referral needs none): still the referral, not a crash.
  v1::PlanInputs inputs;
  *inputs.mutable_screening_result() = screening;
  const absl::StatusOr<v1::WeeklyPlan> plan = BuildWeeklyPlan(inputs, *shipped_->planning, *shipped_->rules);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
}

// --- swimming and cycling ------------------------------------------------------------------------

TEST_F(WeeklyPlannerTest, SwimmingAndCyclingNeverCountAsWeightBearing) {
  for (const bool fall_risk : {false, true}) {
    const screening_v1::ScreeningResult screening = fall_risk ? VertebralFractureAndTwoFalls() : Osteopenia();
    v1::BuildWeeklyPlanRequest request =
        Request(screening, kEveryDay, 150, {common::EQUIPMENT_POOL, common::EQUIPMENT_BICYCLE}, 4);
    for (const char* id : {"swimming", "stationary-cycling", "road-cycling", "water-aerobics"}) {
      request.mutable_preferences()->add_enjoyed_exercises(absl::StrCat("exercises/", id));
    }
    const v1::WeeklyPlan plan = PlanOk(request);
    ExpectOnlyAllowedItems(plan, screening.restrictions());
    std::set<std::string> non_weight_bearing;
    for (const Placed& placed : Items(plan)) {
      const catalog_v1::Exercise& exercise = ExerciseOf(*placed.item);
      if (exercise.category() != catalog_v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC) {
        EXPECT_NE(placed.item->component(), v1::COMPONENT_NON_WEIGHT_BEARING) << exercise.id();
        continue;
      }
      non_weight_bearing.insert(exercise.id());
      EXPECT_EQ(placed.item->component(), v1::COMPONENT_NON_WEIGHT_BEARING) << exercise.id();
      EXPECT_FALSE(placed.item->counts_as_weight_bearing()) << exercise.id();
      EXPECT_THAT(RuleIds(*placed.item), Contains("NWB")) << exercise.id();
    }
    EXPECT_THAT(non_weight_bearing, Contains("swimming")) << "fall risk " << fall_risk;
    EXPECT_THAT(non_weight_bearing, Contains("stationary-cycling")) << "fall risk " << fall_risk;
    // Cycling on the road challenges balance: held back with a fall-risk flag (IMP-FALLS).
    if (fall_risk) {
      EXPECT_THAT(non_weight_bearing, Not(Contains("road-cycling")));
    }

    // The weight-bearing total is the weight-bearing items alone.
    int weight_bearing_minutes = 0;
    std::set<int> weight_bearing_days;
    for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC)) {
      EXPECT_TRUE(placed.item->counts_as_weight_bearing()) << placed.item->exercise_id();
      EXPECT_TRUE(ExerciseOf(*placed.item).weight_bearing()) << placed.item->exercise_id();
      weight_bearing_minutes += placed.item->minutes();
      weight_bearing_days.insert(placed.day);
    }
    const v1::ComponentTotal* total = TotalOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
    ASSERT_NE(total, nullptr);
    EXPECT_EQ(total->minutes(), weight_bearing_minutes);
    EXPECT_EQ(total->days(), static_cast<int>(weight_bearing_days.size()));
    // No component total is kept for non-weight-bearing activity.
    EXPECT_EQ(TotalOf(plan, v1::COMPONENT_NON_WEIGHT_BEARING), nullptr);
  }
}

TEST_F(WeeklyPlannerTest, NonWeightBearingActivityIsPlannedOnlyWhenEnjoyed) {
  const v1::WeeklyPlan plan = PlanOk(Request(Osteopenia(), kEveryDay, 200,
                                             {common::EQUIPMENT_POOL, common::EQUIPMENT_BICYCLE}, 5));
  EXPECT_THAT(ItemsOf(plan, v1::COMPONENT_NON_WEIGHT_BEARING), IsEmpty());
}

// --- preferences, progression and variety ------------------------------------------------------

TEST_F(WeeklyPlannerTest, AnEnjoyedExerciseIsChosenFirstAmongEquals) {
  for (int week = 1; week <= 10; ++week) {
    v1::BuildWeeklyPlanRequest request =
        Request(Osteopenia(), kEveryDay, 90, {common::EQUIPMENT_RESISTANCE_BAND}, week);
    request.mutable_preferences()->add_enjoyed_exercises("exercises/band-row");
    request.mutable_preferences()->add_enjoyed_exercises("exercises/tai-chi");
    request.mutable_preferences()->add_enjoyed_exercises("exercises/nordic-walking");
    if (week > 2) {
      v1::ExerciseProgression* balance = request.add_progression();
      balance->set_exercise("exercises/single-leg-stance");
      balance->set_sets(2);
      balance->set_reps(3);
      balance->set_balance_level(catalog_v1::BALANCE_LEVEL_DYNAMIC);
      balance->set_balance_hand_support(true);
    }
    const v1::WeeklyPlan plan = PlanOk(request);
    std::set<std::string> pulls;
    for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_STRENGTH)) {
      if (ExerciseOf(*placed.item).movement_pattern() == catalog_v1::MOVEMENT_PATTERN_PULL) {
        pulls.insert(placed.item->exercise_id());
      }
    }
    EXPECT_EQ(pulls, std::set<std::string>{"band-row"}) << "week " << week;
    const std::vector<Placed> walks = ItemsOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
    ASSERT_FALSE(walks.empty());
    for (const Placed& placed : walks) EXPECT_EQ(placed.item->exercise_id(), "nordic-walking") << week;
    // Once the ladder reaches moving balance (PROG-BALANCE), tai chi leads each balance day.
    if (week > 2) {
      for (const int day : DaysOf(plan, v1::COMPONENT_BALANCE)) {
        for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_BALANCE)) {
          if (placed.day != day) continue;
          EXPECT_EQ(placed.item->exercise_id(), "tai-chi") << "week " << week << " day " << day;
          break;
        }
      }
    }
  }
}

TEST_F(WeeklyPlannerTest, ADislikedExerciseIsLeftOutWhenAnotherChoiceExists) {
  for (int week = 1; week <= 14; ++week) {
    v1::BuildWeeklyPlanRequest request =
        Request(Osteopenia(), kEveryDay, 90, {common::EQUIPMENT_RESISTANCE_BAND}, week);
    for (const char* id : {"doorframe-row", "brisk-walking", "wall-angel", "stamps", "calf-stretch",
                           "heel-to-toe-walk"}) {
      request.mutable_preferences()->add_disliked_exercises(absl::StrCat("exercises/", id));
    }
    const v1::WeeklyPlan plan = PlanOk(request);
    const std::set<std::string> planned = ExerciseIds(plan);
    for (const char* id : {"doorframe-row", "brisk-walking", "wall-angel", "stamps", "calf-stretch",
                           "heel-to-toe-walk"}) {
      EXPECT_THAT(planned, Not(Contains(id))) << "week " << week;
    }
    EXPECT_TRUE(TotalOf(plan, v1::COMPONENT_STRENGTH)->met()) << "week " << week;
  }
}

TEST_F(WeeklyPlannerTest, ADislikedStaticStanceIsLeftOutInTheStaticWeeks) {
  // Weeks 1-2 hold static stances only (PROG-BALANCE); the catalog has three.
  // A disliked one must not fill a balance day while the other two can.
  for (int week = 1; week <= 2; ++week) {
    v1::BuildWeeklyPlanRequest request = Request(VertebralFractureAndTwoFalls(), kEveryDay, 60, {}, week);
    request.mutable_preferences()->add_disliked_exercises("exercises/tandem-stance");
    const v1::WeeklyPlan plan = PlanOk(request);
    EXPECT_THAT(ExerciseIds(plan), Not(Contains("tandem-stance"))) << "week " << week;
    EXPECT_TRUE(TotalOf(plan, v1::COMPONENT_BALANCE)->met()) << "week " << week;
  }
}

TEST_F(WeeklyPlannerTest, ADislikedExerciseIsKeptWhenItIsTheOnlyChoice) {
  // With no equipment the doorframe row is the only pull the catalog offers.
  v1::BuildWeeklyPlanRequest request = Request(Osteopenia(), kEveryDay, 90, {}, 2);
  request.mutable_preferences()->add_disliked_exercises("exercises/doorframe-row");
  const v1::WeeklyPlan plan = PlanOk(request);
  EXPECT_THAT(ExerciseIds(plan), Contains("doorframe-row"));
  EXPECT_TRUE(TotalOf(plan, v1::COMPONENT_STRENGTH)->met());
}

TEST_F(WeeklyPlannerTest, RecordedProgressionIsCarriedIntoTheItems) {
  v1::BuildWeeklyPlanRequest request =
      Request(Osteopenia(), kEveryDay, 90, {common::EQUIPMENT_DUMBBELLS}, 5);
  request.mutable_preferences()->add_enjoyed_exercises("exercises/brisk-walking");
  v1::ExerciseProgression* squat = request.add_progression();
  squat->set_exercise("exercises/dumbbell-goblet-squat");
  squat->set_load_kg(8.5);
  squat->set_sets(3);
  squat->set_reps(10);
  v1::ExerciseProgression* stamps = request.add_progression();
  stamps->set_exercise("exercises/stamps");
  stamps->set_impacts(35);
  v1::ExerciseProgression* walk = request.add_progression();
  walk->set_exercise("exercises/brisk-walking");
  walk->set_minutes(25);
  const v1::WeeklyPlan plan = PlanOk(request);

  // Strength: the progressed squat is kept, with its load, sets and reps.
  int squats = 0;
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_STRENGTH)) {
    if (ExerciseOf(*placed.item).movement_pattern() != catalog_v1::MOVEMENT_PATTERN_SQUAT) continue;
    ++squats;
    EXPECT_EQ(placed.item->exercise_id(), "dumbbell-goblet-squat");
    EXPECT_DOUBLE_EQ(placed.item->load_kg(), 8.5);
    EXPECT_EQ(placed.item->dose().sets_reps().sets(), 3);
    EXPECT_EQ(placed.item->dose().sets_reps().reps_min(), 10);
    EXPECT_EQ(placed.item->dose().sets_reps().reps_max(), 10);
    EXPECT_EQ(placed.item->minutes(), 3 * shipped_->rules->document().strength().minutes_per_set());
    // Not a first week with it any more.
    EXPECT_THAT(RuleIds(*placed.item), Not(Contains("PROG-START")));
    // PROG-LOAD: once a load is logged the plan states it, in words too, and
    // names the gear that carries it.
    EXPECT_THAT(placed.item->dose().load_guide(),
                ::testing::StartsWith("8.5 kg, progressed from the load you logged"));
    EXPECT_THAT(placed.item->equipment(), Contains(common::EQUIPMENT_DUMBBELLS));
    EXPECT_THAT(placed.item->cues(), Not(Contains(HasSubstr("Log the load you use"))));
  }
  EXPECT_EQ(squats, 2);
  // Impact: the progressed drill keeps building from where it stands.
  const std::vector<Placed> impacts = ItemsOf(plan, v1::COMPONENT_IMPACT);
  ASSERT_FALSE(impacts.empty());
  for (const Placed& placed : impacts) {
    EXPECT_EQ(placed.item->exercise_id(), "stamps");
    EXPECT_EQ(placed.item->dose().impacts(), 35);
    EXPECT_THAT(RuleIds(*placed.item), Contains("PROG-IMPACT"));
  }
  // Walking: the recorded minutes.
  const std::vector<Placed> walks = ItemsOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
  ASSERT_FALSE(walks.empty());
  for (const Placed& placed : walks) {
    EXPECT_EQ(placed.item->exercise_id(), "brisk-walking");
    EXPECT_EQ(placed.item->minutes(), 25);
    EXPECT_EQ(placed.item->dose().minutes(), 25);
    EXPECT_THAT(RuleIds(*placed.item), Not(Contains("PROG-START")));
  }
}

// PROG-LOAD, PROG-START: before any load is logged a loaded item says how to
// choose one (8-12 good repetitions) and asks for it in the log; a band
// progressed by level is planned at that level.
TEST_F(WeeklyPlannerTest, LoadedItemsSayHowToChooseTheFirstLoadThenStateTheLoggedOne) {
  v1::BuildWeeklyPlanRequest request =
      Request(Osteopenia(), kEveryDay, 90, {common::EQUIPMENT_RESISTANCE_BAND, common::EQUIPMENT_DUMBBELLS}, 1);
  int loaded = 0;
  const v1::WeeklyPlan first_week = PlanOk(request);
  for (const Placed& placed : ItemsOf(first_week, v1::COMPONENT_STRENGTH)) {
    const catalog_v1::Exercise& exercise = ExerciseOf(*placed.item);
    EXPECT_EQ(placed.item->equipment_size(), exercise.equipment_size()) << exercise.id();
    if (exercise.equipment().empty() || exercise.default_dose().load_guide().empty()) continue;
    ++loaded;
    // The catalog's own guide to choosing it (8-12 good repetitions, or the
    // exercise's own measure, such as a carry's 20 metres).
    EXPECT_EQ(placed.item->dose().load_guide(), exercise.default_dose().load_guide()) << exercise.id();
    EXPECT_DOUBLE_EQ(placed.item->load_kg(), 0) << exercise.id();
    EXPECT_THAT(RuleIds(*placed.item), Contains("PROG-START")) << exercise.id();
    EXPECT_THAT(placed.item->cues(), Contains(HasSubstr("Log the load you use"))) << exercise.id();
  }
  EXPECT_GT(loaded, 0);

  request = Request(Osteopenia(), kEveryDay, 90, {common::EQUIPMENT_RESISTANCE_BAND}, 4);
  v1::ExerciseProgression* row = request.add_progression();
  row->set_exercise("exercises/band-row");
  row->set_band_level(common::BAND_LEVEL_HEAVY);
  row->set_sets(2);
  row->set_reps(8);
  int rows = 0;
  const v1::WeeklyPlan later_week = PlanOk(request);
  for (const Placed& placed : ItemsOf(later_week, v1::COMPONENT_STRENGTH)) {
    if (placed.item->exercise_id() != "band-row") continue;
    ++rows;
    EXPECT_EQ(placed.item->band_level(), common::BAND_LEVEL_HEAVY);
    EXPECT_DOUBLE_EQ(placed.item->load_kg(), 0);
    EXPECT_THAT(placed.item->dose().load_guide(),
                ::testing::StartsWith("a heavy band, progressed from the band you logged"));
  }
  EXPECT_GT(rows, 0) << "the progressed band row is kept";
}

TEST_F(WeeklyPlannerTest, ProgressionPastTheTargetsIsHeldAtTheTargets) {
  v1::BuildWeeklyPlanRequest request = Request(Osteopenia(), kEveryDay, 90, {}, 9);
  v1::ExerciseProgression* hops = request.add_progression();
  hops->set_exercise("exercises/mini-hops");
  hops->set_impacts(400);
  v1::ExerciseProgression* squat = request.add_progression();
  squat->set_exercise("exercises/bodyweight-squat");
  squat->set_sets(8);
  squat->set_reps(15);
  const v1::WeeklyPlan plan = PlanOk(request);
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_IMPACT)) {
    EXPECT_EQ(placed.item->exercise_id(), "mini-hops");
    EXPECT_EQ(placed.item->dose().impacts(), 50);  // DOSE-IMPACT: about 50 a day
    EXPECT_THAT(RuleIds(*placed.item), Not(Contains("PROG-IMPACT")));
  }
  for (const Placed& placed : ItemsOf(plan, v1::COMPONENT_STRENGTH)) {
    EXPECT_LE(placed.item->dose().sets_reps().sets(), 3);  // DOSE-REPS: up to 3 sets
  }
  EXPECT_TRUE(TotalOf(plan, v1::COMPONENT_IMPACT)->met());
}

TEST_F(WeeklyPlannerTest, TheWeekIndexBringsVarietyButTheSameWeekGivesTheSamePlan) {
  std::set<std::set<std::string>> distinct;
  for (int week = 1; week <= 8; ++week) {
    const v1::BuildWeeklyPlanRequest request =
        Request(Osteopenia(), kEveryDay, 90, {common::EQUIPMENT_RESISTANCE_BAND}, week);
    const v1::WeeklyPlan first = PlanOk(request);
    const v1::WeeklyPlan again = PlanOk(request);
    EXPECT_EQ(first.SerializeAsString(), again.SerializeAsString()) << "week " << week;
    distinct.insert(ExerciseIds(first));
  }
  EXPECT_GE(distinct.size(), 4u);
  const v1::WeeklyPlan week3 = PlanOk(Request(Osteopenia(), kEveryDay, 90, {common::EQUIPMENT_RESISTANCE_BAND}, 3));
  const v1::WeeklyPlan week4 = PlanOk(Request(Osteopenia(), kEveryDay, 90, {common::EQUIPMENT_RESISTANCE_BAND}, 4));
  EXPECT_NE(ExerciseIds(week3), ExerciseIds(week4));
}

// --- DOSE-FLEX -------------------------------------------------------------------------------

TEST_F(WeeklyPlannerTest, SpinalFlexionStretchesAreNeverPlannedEvenWithoutRestrictions) {
  screening_v1::ScreeningResult screening = NormalBone();
  screening.mutable_restrictions()->clear_load_cap();
  ASSERT_TRUE(screening.restrictions().excluded_tags().empty());
  std::set<std::string> stretches;
  for (int week = 1; week <= 30; ++week) {
    const v1::WeeklyPlan plan = PlanOk(Request(screening, kEveryDay, 120, {common::EQUIPMENT_MAT}, week));
    const std::vector<Placed> items = ItemsOf(plan, v1::COMPONENT_FLEXIBILITY);
    EXPECT_FALSE(items.empty()) << "week " << week;
    for (const Placed& placed : items) {
      const catalog_v1::Exercise& exercise = ExerciseOf(*placed.item);
      stretches.insert(exercise.id());
      EXPECT_THAT(exercise.safety_tags(), Not(Contains(common::SAFETY_TAG_AVOID_FLEXION)))
          << "week " << week << ": " << exercise.id();
      EXPECT_NE(exercise.movement_pattern(), catalog_v1::MOVEMENT_PATTERN_TRUNK_FLEXION) << exercise.id();
      EXPECT_THAT(RuleIds(*placed.item), Contains("DOSE-FLEX"));
    }
  }
  for (const char* id : {"toe-touch", "seated-forward-bend", "yoga-forward-fold", "cat-camel",
                         "ballistic-stretch", "shoulder-stand"}) {
    EXPECT_THAT(stretches, Not(Contains(id)));
  }
  // Rotation did reach several stretches, so the check above saw more than one.
  EXPECT_GE(stretches.size(), 3u);
}

// --- SUP-HIGHLOAD -------------------------------------------------------------------------------

TEST_F(WeeklyPlannerTest, AnUnsupervisedPlanNeverHoldsLiftsAtEightyPercentOfOneRepMax) {
  // SUP-HIGHLOAD: loads >= 80 % of 1RM only under supervision, never in an
  // unsupervised plan. The screening service always caps loads at 79 %, but a
  // caller may give its own screening result without a load cap.
  //
  // DEFECT: ValidateBuildRequest accepts such a result (outcome PROCEED,
  // supervision not required, no load_cap) and the planner then plans the
  // 85 %-of-1RM "barbell-deadlift-heavy" as the hinge exercise. Reproduction:
  // NormalBone() without its load cap, every day, 90 minutes, equipment
  // BARBELL, week_index 1: days 0 and 3 hold barbell-deadlift-heavy.
  // Expected: no entry at 80 % of 1RM or more unless supervision is required
  // (or the request refused for lacking a load cap).
  screening_v1::ScreeningResult screening = NormalBone();
  screening.mutable_restrictions()->clear_load_cap();
  ASSERT_FALSE(screening.supervision().required());
  std::set<std::string> heavy;
  for (int week = 1; week <= 12; ++week) {
    const v1::WeeklyPlan plan = PlanOk(
        Request(screening, kEveryDay, 90, {common::EQUIPMENT_BARBELL, common::EQUIPMENT_KETTLEBELL}, week));
    for (const Placed& placed : Items(plan)) {
      if (ExerciseOf(*placed.item).load_percent_one_rep_max() >= 80) heavy.insert(placed.item->exercise_id());
    }
  }
  EXPECT_THAT(heavy, IsEmpty());
}

}  // namespace
}  // namespace osteoflow::scheduling

namespace osteoflow::scheduling {
namespace {

// Entries the catalog keeps to say why not are never planned, even for
// normal bone density with nothing excluded: no heavy floor lift, headstand
// or kettlebell snatch in a bone-health programme.
TEST_F(WeeklyPlannerTest, AvoidMovementsAreNeverPlannedEvenWhenNothingIsExcluded) {
  screening_v1::ScreeningResult screening = NormalBone();
  screening.mutable_restrictions()->clear_excluded_tags();
  for (int week = 1; week <= 12; ++week) {
    const v1::WeeklyPlan plan = PlanOk(Request(screening, kEveryDay, 120,
                                               {common::EQUIPMENT_KETTLEBELL, common::EQUIPMENT_BARBELL,
                                                common::EQUIPMENT_DUMBBELLS, common::EQUIPMENT_GARDEN},
                                               week));
    for (const Placed& placed : Items(plan)) {
      // Balance-challenging cardio (IMP-FALLS) is fine without a fall-risk flag.
      for (const int tag : ExerciseOf(*placed.item).safety_tags()) {
        EXPECT_EQ(tag, common::SAFETY_TAG_BALANCE_CHALLENGE) << placed.item->exercise_id() << " in week " << week;
      }
    }
  }
}

// A timed balance exercise is dosed with the time the day gives it.
TEST_F(WeeklyPlannerTest, ATimedBalanceExerciseIsDosedWithItsPlannedMinutes) {
  v1::BuildWeeklyPlanRequest request = Request(Osteopenia(), kMonWedFri, 30, {}, 5);
  request.mutable_preferences()->add_enjoyed_exercises("exercises/tai-chi");
  // Tai chi is moving balance: the ladder has reached it (PROG-BALANCE).
  v1::ExerciseProgression* ladder = request.add_progression();
  ladder->set_exercise("exercises/single-leg-stance");
  ladder->set_sets(2);
  ladder->set_reps(3);
  ladder->set_balance_level(catalog_v1::BALANCE_LEVEL_DYNAMIC);
  const v1::WeeklyPlan plan = PlanOk(request);
  int seen = 0;
  for (const Placed& placed : Items(plan)) {
    if (placed.item->dose().has_minutes()) {
      EXPECT_EQ(placed.item->dose().minutes(), placed.item->minutes()) << placed.item->exercise_id();
      seen += placed.item->exercise_id() == "tai-chi" ? 1 : 0;
    }
  }
  EXPECT_GT(seen, 0);
}

// Recorded weight-bearing minutes are the day's bout: never stretched to
// reach the weekly target in one step (PROG-VOLUME).
TEST_F(WeeklyPlannerTest, WeightBearingBoutsFollowTheRecordedMinutes) {
  v1::BuildWeeklyPlanRequest request = Request(Osteopenia(), kEveryDay, 90, {}, 4);
  v1::ExerciseProgression* walking = request.add_progression();
  walking->set_exercise("exercises/brisk-walking");
  walking->set_minutes(12);
  const v1::WeeklyPlan plan = PlanOk(request);
  for (const Placed& placed : Items(plan)) {
    if (placed.item->component() != v1::COMPONENT_WEIGHT_BEARING_AEROBIC) continue;
    EXPECT_EQ(placed.item->exercise_id(), "brisk-walking");
    EXPECT_EQ(placed.item->minutes(), 12);
  }
  const v1::Shortfall* shortfall = ShortfallOf(plan, v1::COMPONENT_WEIGHT_BEARING_AEROBIC);
  ASSERT_NE(shortfall, nullptr);
  EXPECT_THAT(shortfall->reason(), HasSubstr("building up"));
}

}  // namespace
}  // namespace osteoflow::scheduling

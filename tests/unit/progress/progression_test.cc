// The progression rules (PROG-*) applied to one week, table by table, each
// decision asserted with its rule ids.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/progress/domain/progression.h"
#include "tests/support/recorded_digest.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

std::string DataFile(const std::string& name) {
  return std::string(OSTEOFLOW_SOURCE_DIR) + "/services/progress/data/" + name;
}

std::shared_ptr<const ProgressionRules> ShippedRules() {
  static const std::shared_ptr<const ProgressionRules> rules = [] {
    auto loaded = LoadProgressionRulesFile(DataFile("progression_rules.json"));
    return loaded.ok() ? *loaded : nullptr;
  }();
  return rules;
}

constexpr char kDeadlift[] = "exercises/dumbbell-deadlift";
constexpr char kSquat[] = "exercises/bodyweight-squat";
constexpr char kWalk[] = "exercises/brisk-walking";
constexpr char kHeelDrops[] = "exercises/heel-drops";
constexpr char kStance[] = "exercises/tandem-stance";

void AddItem(scheduling_v1::PlanDay& day, const std::string& exercise, scheduling_v1::Component component,
             int sets, int reps, double load, int minutes, int impacts) {
  if (day.sessions().empty()) day.add_sessions();
  scheduling_v1::PlanItem* item = day.mutable_sessions(0)->add_items();
  item->set_exercise(exercise);
  item->set_component(component);
  item->set_load_kg(load);
  if (sets > 0) {
    item->mutable_dose()->mutable_sets_reps()->set_sets(sets);
    item->mutable_dose()->mutable_sets_reps()->set_reps_min(reps);
    item->mutable_dose()->mutable_sets_reps()->set_reps_max(12);
  } else if (minutes > 0) {
    item->mutable_dose()->set_minutes(minutes);
  } else {
    item->mutable_dose()->set_impacts(impacts);
  }
}

// Two strength days (loaded deadlift at 10 kg, bodyweight squat), a walk and
// heel drops.
scheduling_v1::WeeklyPlan Plan(double load = 10, int walk_minutes = 15, int impacts = 20, int squat_sets = 2) {
  scheduling_v1::WeeklyPlan plan;
  for (int i = 0; i < 7; ++i) plan.add_days();
  for (const int day : {0, 3}) {
    AddItem(*plan.mutable_days(day), kDeadlift, scheduling_v1::COMPONENT_STRENGTH, 2, 8, load, 0, 0);
    AddItem(*plan.mutable_days(day), kSquat, scheduling_v1::COMPONENT_STRENGTH, squat_sets, 8, 0, 0, 0);
    AddItem(*plan.mutable_days(day), kHeelDrops, scheduling_v1::COMPONENT_IMPACT, 0, 0, 0, 0, impacts);
  }
  AddItem(*plan.mutable_days(1), kWalk, scheduling_v1::COMPONENT_WEIGHT_BEARING_AEROBIC, 0, 0, 0, walk_minutes, 0);
  // Balance moves on the PROG-BALANCE ladder: tandem, holding on.
  AddItem(*plan.mutable_days(1), kStance, scheduling_v1::COMPONENT_BALANCE, 2, 2, 0, 0, 0);
  scheduling_v1::PlanItem* stance = plan.mutable_days(1)->mutable_sessions(0)->mutable_items(
      plan.days(1).sessions(0).items_size() - 1);
  stance->set_balance_level(osteoflow::catalog::v1::BALANCE_LEVEL_TANDEM);
  stance->set_hand_support(true);
  return plan;
}

v1::ItemLog Sets(const std::string& exercise, std::vector<int> reps, double load = 10, int pain = 0,
                 bool form_broken = false) {
  v1::ItemLog log;
  log.set_exercise(exercise);
  for (const int r : reps) log.add_reps_per_set(r);
  log.set_load_kg(load);
  log.set_pain(pain);
  log.set_form_broken(form_broken);
  return log;
}

v1::ItemLog Timed(const std::string& exercise, int minutes, int impacts, int pain = 0) {
  v1::ItemLog log;
  log.set_exercise(exercise);
  log.set_minutes(minutes);
  log.set_impacts(impacts);
  log.set_pain(pain);
  return log;
}

v1::SessionLog Session(std::vector<v1::ItemLog> items, int soreness_hours = 0) {
  v1::SessionLog log;
  for (v1::ItemLog& item : items) *log.add_items() = std::move(item);
  if (soreness_hours > 0) {
    log.mutable_soreness()->set_present(true);
    log.mutable_soreness()->set_hours(soreness_hours);
  }
  return log;
}

const v1::ProgressionDecision& DecisionFor(const WeekProgression& result, const std::string& exercise) {
  for (const v1::ProgressionDecision& decision : result.decisions) {
    if (decision.exercise() == exercise) return decision;
  }
  static const v1::ProgressionDecision kNone;
  ADD_FAILURE() << "no decision for " << exercise;
  return kNone;
}

std::vector<std::string> RuleIds(const v1::ProgressionDecision& decision) {
  std::vector<std::string> ids;
  for (const auto& rule : decision.rules()) ids.push_back(rule.rule_id());
  return ids;
}

struct StrengthCase {
  const char* name;
  std::vector<int> reps;
  int pain;
  bool form_broken;
  int soreness_hours;
  v1::ProgressionChange change;
  double load_after;
  int reps_after;
  std::vector<std::string> rules;
};

class StrengthProgressionTest : public ::testing::TestWithParam<StrengthCase> {};

TEST_P(StrengthProgressionTest, DecidesByTheRules) {
  ASSERT_NE(ShippedRules(), nullptr);
  const StrengthCase& c = GetParam();
  const WeekProgression result =
      ProgressWeek(Plan(), {Session({Sets(kDeadlift, c.reps, 10, c.pain, c.form_broken)}, c.soreness_hours)}, {},
                   *ShippedRules(), 2);
  const v1::ProgressionDecision& decision = DecisionFor(result, kDeadlift);
  EXPECT_EQ(decision.change(), c.change) << v1::ProgressionChange_Name(decision.change()) << ": " << decision.reason();
  EXPECT_DOUBLE_EQ(decision.after().load_kg(), c.load_after);
  EXPECT_EQ(decision.after().reps(), c.reps_after);
  EXPECT_EQ(decision.after().sets(), 2);
  EXPECT_THAT(RuleIds(decision), ElementsAreArray(c.rules));
  EXPECT_EQ(decision.week_index(), 2);
  EXPECT_FALSE(decision.reason().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StrengthProgressionTest,
    ::testing::Values(
        StrengthCase{"MoreThanTwelveOnEverySetLoadsUpAndDropsReps", {13, 13}, 0, false, 0,
                     v1::PROGRESSION_CHANGE_LOAD_UP, 10.5, 8, {"PROG-LOAD", "PROG-ONE"}},
        StrengthCase{"TwelveOnOneSetIsNotEnough", {13, 12}, 0, false, 0, v1::PROGRESSION_CHANGE_REPS_UP, 10, 13,
                     {"PROG-ONE", "PROG-VOLUME"}},
        StrengthCase{"FewerThanEightLoadsDown", {9, 7}, 0, false, 0, v1::PROGRESSION_CHANGE_LOAD_DOWN, 9.5, 8,
                     {"PROG-LOAD"}},
        StrengthCase{"InTheRangeAddsOneRep", {10, 11}, 0, false, 0, v1::PROGRESSION_CHANGE_REPS_UP, 10, 11,
                     {"PROG-ONE", "PROG-VOLUME"}},
        StrengthCase{"AtTheBottomOneRepWouldRaiseVolumeTooMuch", {8, 8}, 0, false, 0,
                     v1::PROGRESSION_CHANGE_HOLD, 10, 8, {"PROG-VOLUME"}},
        StrengthCase{"MildPainHolds", {13, 13}, 2, false, 0, v1::PROGRESSION_CHANGE_HOLD, 10, 8, {"PROG-SORE"}},
        StrengthCase{"RealPainReduces", {13, 13}, 5, false, 0, v1::PROGRESSION_CHANGE_REDUCE, 9.5, 8,
                     {"PROG-SORE"}},
        StrengthCase{"BrokenFormHolds", {13, 13}, 0, true, 0, v1::PROGRESSION_CHANGE_HOLD, 10, 8, {"PROG-FORM"}},
        StrengthCase{"SorenessBeyondFortyEightHoursHolds", {13, 13}, 0, false, 72, v1::PROGRESSION_CHANGE_HOLD,
                     10, 8, {"PROG-SORE"}},
        StrengthCase{"NextDaySorenessIsNormal", {13, 13}, 0, false, 24, v1::PROGRESSION_CHANGE_LOAD_UP, 10.5, 8,
                     {"PROG-LOAD", "PROG-ONE"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Progression, TheLoadStepIsFivePercentRoundedAndNeverLessThanTheRounding) {
  ASSERT_NE(ShippedRules(), nullptr);
  for (const auto& [load, expected] : std::vector<std::pair<double, double>>{{10, 10.5}, {20, 21}, {4, 4.5}, {47, 49.5}}) {
    const WeekProgression result =
        ProgressWeek(Plan(load), {Session({Sets(kDeadlift, {14, 14}, load)})}, {}, *ShippedRules(), 2);
    EXPECT_DOUBLE_EQ(DecisionFor(result, kDeadlift).after().load_kg(), expected) << load;
  }
}

TEST(Progression, UnloadedWorkAddsASetThenHolds) {
  ASSERT_NE(ShippedRules(), nullptr);
  WeekProgression result = ProgressWeek(Plan(), {Session({Sets(kSquat, {14, 13}, 0)})}, {}, *ShippedRules(), 2);
  const v1::ProgressionDecision& up = DecisionFor(result, kSquat);
  EXPECT_EQ(up.change(), v1::PROGRESSION_CHANGE_SETS_UP);
  EXPECT_EQ(up.after().sets(), 3);
  EXPECT_EQ(up.after().reps(), 8);
  EXPECT_THAT(RuleIds(up), ElementsAreArray({"PROG-LOAD", "PROG-ONE"}));

  result = ProgressWeek(Plan(10, 15, 20, 3), {Session({Sets(kSquat, {14, 13, 13}, 0)})}, {}, *ShippedRules(), 2);
  const v1::ProgressionDecision& held = DecisionFor(result, kSquat);
  EXPECT_EQ(held.change(), v1::PROGRESSION_CHANGE_HOLD);
  EXPECT_EQ(held.after().sets(), 3);
  EXPECT_THAT(held.reason(), HasSubstr("harder variant"));
}

TEST(Progression, MinutesDoneInFullRiseByTenPercentTowardsTheTarget) {
  ASSERT_NE(ShippedRules(), nullptr);
  struct Case {
    int planned, done;
    v1::ProgressionChange change;
    int after;
  };
  for (const Case& c : std::vector<Case>{{15, 15, v1::PROGRESSION_CHANGE_MINUTES_UP, 16},
                                         {20, 25, v1::PROGRESSION_CHANGE_MINUTES_UP, 22},
                                         {29, 29, v1::PROGRESSION_CHANGE_MINUTES_UP, 30},
                                         {30, 30, v1::PROGRESSION_CHANGE_HOLD, 30},
                                         {15, 12, v1::PROGRESSION_CHANGE_HOLD, 15}}) {
    const WeekProgression result =
        ProgressWeek(Plan(10, c.planned), {Session({Timed(kWalk, c.done, 0)})}, {}, *ShippedRules(), 2);
    const v1::ProgressionDecision& decision = DecisionFor(result, kWalk);
    EXPECT_EQ(decision.change(), c.change) << c.planned << "/" << c.done << ": " << decision.reason();
    EXPECT_EQ(decision.after().minutes(), c.after) << c.planned << "/" << c.done;
    EXPECT_THAT(RuleIds(decision), ElementsAreArray({"PROG-VOLUME"}));
  }
}

TEST(Progression, ImpactsBuildUpTowardsFiftyADay) {
  ASSERT_NE(ShippedRules(), nullptr);
  struct Case {
    int planned, done;
    v1::ProgressionChange change;
    int after;
  };
  for (const Case& c : std::vector<Case>{{20, 20, v1::PROGRESSION_CHANGE_IMPACTS_UP, 22},
                                         {40, 40, v1::PROGRESSION_CHANGE_IMPACTS_UP, 44},
                                         {48, 48, v1::PROGRESSION_CHANGE_IMPACTS_UP, 50},
                                         {50, 50, v1::PROGRESSION_CHANGE_HOLD, 50}}) {
    const WeekProgression result =
        ProgressWeek(Plan(10, 15, c.planned), {Session({Timed(kHeelDrops, 0, c.done)})}, {}, *ShippedRules(), 2);
    const v1::ProgressionDecision& decision = DecisionFor(result, kHeelDrops);
    EXPECT_EQ(decision.change(), c.change) << c.planned;
    EXPECT_EQ(decision.after().impacts(), c.after) << c.planned;
    if (c.change == v1::PROGRESSION_CHANGE_IMPACTS_UP) {
      EXPECT_THAT(RuleIds(decision), ElementsAreArray({"PROG-IMPACT", "PROG-VOLUME"}));
    }
  }
}

TEST(Progression, AnExerciseNotLoggedHolds) {
  ASSERT_NE(ShippedRules(), nullptr);
  const WeekProgression result = ProgressWeek(Plan(), {}, {}, *ShippedRules(), 2);
  // Deadlift, squat, walk, heel drops and the stance (its ladder step, PROG-BALANCE).
  ASSERT_EQ(result.decisions.size(), 5u);
  for (const v1::ProgressionDecision& decision : result.decisions) {
    EXPECT_EQ(decision.change(), v1::PROGRESSION_CHANGE_HOLD) << decision.exercise();
    EXPECT_THAT(decision.reason(), HasSubstr("not logged"));
  }
}

TEST(Progression, CarriedStateIsTheStartingPointAndUnplannedExercisesKeepTheirs) {
  ASSERT_NE(ShippedRules(), nullptr);
  google::protobuf::RepeatedPtrField<scheduling_v1::ExerciseProgression> current;
  scheduling_v1::ExerciseProgression* deadlift = current.Add();
  deadlift->set_exercise(kDeadlift);
  deadlift->set_load_kg(20);
  deadlift->set_sets(3);
  deadlift->set_reps(10);
  scheduling_v1::ExerciseProgression* rowing = current.Add();
  rowing->set_exercise("exercises/band-row");
  rowing->set_sets(2);
  rowing->set_reps(9);
  const WeekProgression result =
      ProgressWeek(Plan(), {Session({Sets(kDeadlift, {13, 14, 13}, 20)})}, current, *ShippedRules(), 5);
  const v1::ProgressionDecision& decision = DecisionFor(result, kDeadlift);
  EXPECT_EQ(decision.change(), v1::PROGRESSION_CHANGE_LOAD_UP);
  EXPECT_DOUBLE_EQ(decision.after().load_kg(), 21);
  EXPECT_EQ(decision.after().sets(), 3);
  bool kept = false;
  for (const auto& entry : result.next) kept = kept || (entry.exercise() == "exercises/band-row" && entry.reps() == 9);
  EXPECT_TRUE(kept);
  EXPECT_TRUE(std::is_sorted(result.next.begin(), result.next.end(),
                             [](const auto& a, const auto& b) { return a.exercise() < b.exercise(); }));
}

TEST(Progression, TheSameWeekGivesTheSameDecisionsWhateverTheOrderOfLogs) {
  ASSERT_NE(ShippedRules(), nullptr);
  const v1::SessionLog monday = Session({Sets(kDeadlift, {13, 13}), Timed(kHeelDrops, 0, 20)});
  const v1::SessionLog thursday = Session({Sets(kDeadlift, {12, 13}), Timed(kHeelDrops, 0, 20)});
  const WeekProgression a = ProgressWeek(Plan(), {monday, thursday}, {}, *ShippedRules(), 2);
  const WeekProgression b = ProgressWeek(Plan(), {thursday, monday}, {}, *ShippedRules(), 2);
  ASSERT_EQ(a.decisions.size(), b.decisions.size());
  for (size_t i = 0; i < a.decisions.size(); ++i) {
    EXPECT_EQ(a.decisions[i].SerializeAsString(), b.decisions[i].SerializeAsString());
  }
  // Every set of the week counts: 12 on Thursday keeps the load.
  EXPECT_EQ(DecisionFor(a, kDeadlift).change(), v1::PROGRESSION_CHANGE_REPS_UP);
}

// --- loads from the log, in the gear's real steps (PROG-LOAD) -----------------

namespace common = osteoflow::common::v1;

// One strength exercise on Monday and Thursday, on `gear` (none: body
// weight), planned at `load` kg (0: not yet known) and `sets` sets.
scheduling_v1::WeeklyPlan GearPlan(const std::string& exercise, std::vector<common::Equipment> gear, double load = 0,
                                   int sets = 2) {
  scheduling_v1::WeeklyPlan plan;
  for (int i = 0; i < 7; ++i) plan.add_days();
  for (const int day : {0, 3}) {
    AddItem(*plan.mutable_days(day), exercise, scheduling_v1::COMPONENT_STRENGTH, sets, 8, load, 0, 0);
    for (const common::Equipment equipment : gear) {
      plan.mutable_days(day)->mutable_sessions(0)->mutable_items(0)->add_equipment(equipment);
    }
  }
  return plan;
}

v1::ItemLog Band(const std::string& exercise, std::vector<int> reps, common::BandLevel level) {
  v1::ItemLog log = Sets(exercise, std::move(reps), 0);
  log.set_band_level(level);
  return log;
}

constexpr char kPress[] = "exercises/dumbbell-chest-press";
constexpr char kRow[] = "exercises/band-row";
constexpr char kSwing[] = "exercises/kettlebell-deadlift";
constexpr char kVestSquat[] = "exercises/vest-squat";

TEST(LoggedLoads, FourteenRepsAtTheLoggedEightKilogramsLoadUpOneDumbbellStepWithRepsBackToEight) {
  ASSERT_NE(ShippedRules(), nullptr);
  // Week 1 planned no load; the person chose 8 kg and logged it.
  const WeekProgression result =
      ProgressWeek(GearPlan(kPress, {common::EQUIPMENT_DUMBBELLS}),
                   {Session({Sets(kPress, {14, 14}, 8)}), Session({Sets(kPress, {14, 14}, 8)})}, {},
                   *ShippedRules(), 2);
  const v1::ProgressionDecision& decision = DecisionFor(result, kPress);
  EXPECT_EQ(decision.change(), v1::PROGRESSION_CHANGE_LOAD_UP) << decision.reason();
  EXPECT_DOUBLE_EQ(decision.before().load_kg(), 8);
  EXPECT_DOUBLE_EQ(decision.after().load_kg(), 8.5);
  EXPECT_LE(decision.after().load_kg(), 8 * 1.10);
  EXPECT_EQ(decision.after().reps(), 8);
  EXPECT_EQ(decision.after().sets(), 2) << "load or volume, never both (PROG-ONE)";
  EXPECT_THAT(RuleIds(decision), ElementsAreArray({"PROG-LOAD", "PROG-ONE"}));
  EXPECT_EQ(decision.reason(),
            "14 or more reps on every set at 8.0 kg with good form: load up to 8.5 kg (dumbbells step 0.5 kg), reps "
            "back to 8");
  ASSERT_EQ(result.next.size(), 1u);
  EXPECT_EQ(result.next[0].SerializeAsString(), decision.after().SerializeAsString());
}

TEST(LoggedLoads, EachStepIsTheSmallestRealOneOfAtLeastTwoAndAtMostTenPercent) {
  ASSERT_NE(ShippedRules(), nullptr);
  struct Case {
    common::Equipment gear;
    double logged, next;
  };
  for (const Case& c : std::vector<Case>{{common::EQUIPMENT_DUMBBELLS, 5, 5.5},
                                         {common::EQUIPMENT_DUMBBELLS, 9.5, 10},
                                         {common::EQUIPMENT_DUMBBELLS, 10, 11},
                                         {common::EQUIPMENT_DUMBBELLS, 8.3, 8.5},  // back onto the real steps
                                         {common::EQUIPMENT_DUMBBELLS, 20, 22},
                                         {common::EQUIPMENT_WEIGHT_MACHINE, 40, 42.5},
                                         {common::EQUIPMENT_WEIGHT_MACHINE, 150, 155},  // 2.5 kg is under 2 %
                                         {common::EQUIPMENT_BARBELL, 30, 32.5}}) {
    const WeekProgression result =
        ProgressWeek(GearPlan(kPress, {common::EQUIPMENT_CHAIR, c.gear}), {Session({Sets(kPress, {13, 13}, c.logged)})},
                     {}, *ShippedRules(), 2);
    const v1::ProgressionDecision& decision = DecisionFor(result, kPress);
    EXPECT_EQ(decision.change(), v1::PROGRESSION_CHANGE_LOAD_UP) << c.logged << ": " << decision.reason();
    EXPECT_DOUBLE_EQ(decision.after().load_kg(), c.next) << common::Equipment_Name(c.gear) << " " << c.logged;
    EXPECT_GE(decision.after().load_kg(), c.logged * 1.02);
    EXPECT_LE(decision.after().load_kg(), c.logged * 1.10 + 1e-9);
  }
}

TEST(LoggedLoads, FewerThanEightRepsAtTheLoggedLoadTakeItDownOneStep) {
  ASSERT_NE(ShippedRules(), nullptr);
  const WeekProgression result = ProgressWeek(GearPlan(kPress, {common::EQUIPMENT_DUMBBELLS}, 8.5),
                                              {Session({Sets(kPress, {9, 6}, 8)})}, {}, *ShippedRules(), 3);
  const v1::ProgressionDecision& decision = DecisionFor(result, kPress);
  EXPECT_EQ(decision.change(), v1::PROGRESSION_CHANGE_LOAD_DOWN) << decision.reason();
  EXPECT_DOUBLE_EQ(decision.before().load_kg(), 8) << "the load logged, not the 8.5 kg planned";
  EXPECT_DOUBLE_EQ(decision.after().load_kg(), 7.5);
  EXPECT_THAT(RuleIds(decision), ElementsAreArray({"PROG-LOAD"}));
  EXPECT_THAT(decision.reason(), HasSubstr("only 6 reps on a set at 8.0 kg: load down to 7.5 kg"));
}

TEST(LoggedLoads, WhenTheWeeksLogsDisagreeTheLowestLoadIsTakenWithTheRepsDoneAtIt) {
  ASSERT_NE(ShippedRules(), nullptr);
  const scheduling_v1::WeeklyPlan plan = GearPlan(kPress, {common::EQUIPMENT_DUMBBELLS});
  // 14 at 8 kg and 10 at 9 kg: 8 kg is taken and judged on its own sets.
  WeekProgression result = ProgressWeek(
      plan, {Session({Sets(kPress, {14, 14}, 8)}), Session({Sets(kPress, {10, 10}, 9)})}, {}, *ShippedRules(), 2);
  EXPECT_EQ(DecisionFor(result, kPress).change(), v1::PROGRESSION_CHANGE_LOAD_UP);
  EXPECT_DOUBLE_EQ(DecisionFor(result, kPress).after().load_kg(), 8.5);
  // The order of the logs does not matter.
  result = ProgressWeek(plan, {Session({Sets(kPress, {10, 10}, 9)}), Session({Sets(kPress, {14, 14}, 8)})}, {},
                        *ShippedRules(), 2);
  EXPECT_DOUBLE_EQ(DecisionFor(result, kPress).after().load_kg(), 8.5);
  // 14 at 9 kg but 10 at 8 kg: 8 kg, in the range, one more rep.
  result = ProgressWeek(plan, {Session({Sets(kPress, {14, 14}, 9)}), Session({Sets(kPress, {10, 10}, 8)})}, {},
                        *ShippedRules(), 2);
  EXPECT_EQ(DecisionFor(result, kPress).change(), v1::PROGRESSION_CHANGE_REPS_UP);
  EXPECT_DOUBLE_EQ(DecisionFor(result, kPress).after().load_kg(), 8);
  EXPECT_EQ(DecisionFor(result, kPress).after().reps(), 11);
  // A heavier load tried and failed the same week keeps the load where it is.
  result = ProgressWeek(plan, {Session({Sets(kPress, {14, 14}, 8)}), Session({Sets(kPress, {9, 6}, 8.5)})}, {},
                        *ShippedRules(), 2);
  const v1::ProgressionDecision& held = DecisionFor(result, kPress);
  EXPECT_EQ(held.change(), v1::PROGRESSION_CHANGE_HOLD);
  EXPECT_DOUBLE_EQ(held.after().load_kg(), 8);
  EXPECT_THAT(held.reason(), HasSubstr("heavier load"));
  // A session that noted no load does not count against one that did.
  result = ProgressWeek(plan, {Session({Sets(kPress, {14, 14}, 8)}), Session({Sets(kPress, {14, 14}, 0)})}, {},
                        *ShippedRules(), 2);
  EXPECT_DOUBLE_EQ(DecisionFor(result, kPress).after().load_kg(), 8.5);
}

TEST(LoggedLoads, LoadedWorkLoggedWithoutALoadHoldsAndAsksForIt) {
  ASSERT_NE(ShippedRules(), nullptr);
  const WeekProgression result = ProgressWeek(GearPlan(kPress, {common::EQUIPMENT_DUMBBELLS}),
                                              {Session({Sets(kPress, {14, 14}, 0)})}, {}, *ShippedRules(), 2);
  const v1::ProgressionDecision& decision = DecisionFor(result, kPress);
  EXPECT_EQ(decision.change(), v1::PROGRESSION_CHANGE_HOLD);
  EXPECT_EQ(decision.after().sets(), 2) << "no blind extra set";
  EXPECT_DOUBLE_EQ(decision.after().load_kg(), 0);
  EXPECT_THAT(decision.reason(), HasSubstr("no load in kg logged for this dumbbells exercise"));
  EXPECT_THAT(RuleIds(decision), ElementsAreArray({"PROG-LOAD"}));
  // A band logged without its level, likewise.
  const WeekProgression band = ProgressWeek(GearPlan(kRow, {common::EQUIPMENT_RESISTANCE_BAND}),
                                            {Session({Sets(kRow, {14, 14}, 0)})}, {}, *ShippedRules(), 2);
  EXPECT_EQ(DecisionFor(band, kRow).change(), v1::PROGRESSION_CHANGE_HOLD);
  EXPECT_THAT(DecisionFor(band, kRow).reason(), HasSubstr("no band level logged"));
}

TEST(LoggedLoads, BandsMoveOneLevelAtATime) {
  ASSERT_NE(ShippedRules(), nullptr);
  struct Case {
    common::BandLevel logged;
    std::vector<int> reps;
    v1::ProgressionChange change;
    common::BandLevel next;
    int sets;
  };
  for (const Case& c : std::vector<Case>{
           {common::BAND_LEVEL_MEDIUM, {13, 14}, v1::PROGRESSION_CHANGE_LOAD_UP, common::BAND_LEVEL_HEAVY, 2},
           {common::BAND_LEVEL_EXTRA_HEAVY, {13, 14}, v1::PROGRESSION_CHANGE_SETS_UP, common::BAND_LEVEL_EXTRA_HEAVY,
            3},
           {common::BAND_LEVEL_HEAVY, {8, 6}, v1::PROGRESSION_CHANGE_LOAD_DOWN, common::BAND_LEVEL_MEDIUM, 2},
           {common::BAND_LEVEL_LIGHT, {8, 6}, v1::PROGRESSION_CHANGE_HOLD, common::BAND_LEVEL_LIGHT, 2},
           {common::BAND_LEVEL_LIGHT, {10, 10}, v1::PROGRESSION_CHANGE_REPS_UP, common::BAND_LEVEL_LIGHT, 2}}) {
    const WeekProgression result = ProgressWeek(GearPlan(kRow, {common::EQUIPMENT_RESISTANCE_BAND}),
                                                {Session({Band(kRow, c.reps, c.logged)})}, {}, *ShippedRules(), 2);
    const v1::ProgressionDecision& decision = DecisionFor(result, kRow);
    SCOPED_TRACE(common::BandLevel_Name(c.logged));
    EXPECT_EQ(decision.change(), c.change) << decision.reason();
    EXPECT_EQ(decision.before().band_level(), c.logged);
    EXPECT_EQ(decision.after().band_level(), c.next);
    EXPECT_EQ(decision.after().sets(), c.sets);
    EXPECT_DOUBLE_EQ(decision.after().load_kg(), 0);
  }
  const WeekProgression up = ProgressWeek(GearPlan(kRow, {common::EQUIPMENT_RESISTANCE_BAND}),
                                          {Session({Band(kRow, {13, 13}, common::BAND_LEVEL_MEDIUM)})}, {},
                                          *ShippedRules(), 2);
  EXPECT_THAT(DecisionFor(up, kRow).reason(),
              HasSubstr("at a medium band with good form: one band level up to a heavy band"));
  EXPECT_EQ(DecisionFor(up, kRow).after().reps(), 8);
}

TEST(LoggedLoads, AKettlebellStepTooLargeAddsASetThenHoldsNamingTheStep) {
  ASSERT_NE(ShippedRules(), nullptr);
  WeekProgression result = ProgressWeek(GearPlan(kSwing, {common::EQUIPMENT_KETTLEBELL}),
                                        {Session({Sets(kSwing, {14, 14}, 8)})}, {}, *ShippedRules(), 2);
  const v1::ProgressionDecision& sets_up = DecisionFor(result, kSwing);
  EXPECT_EQ(sets_up.change(), v1::PROGRESSION_CHANGE_SETS_UP) << sets_up.reason();
  EXPECT_DOUBLE_EQ(sets_up.after().load_kg(), 8);
  EXPECT_EQ(sets_up.after().sets(), 3);
  EXPECT_EQ(sets_up.after().reps(), 8);
  EXPECT_THAT(sets_up.reason(), HasSubstr("the next kettlebell step, 10.0 kg, is 25 % more, above the 10 %"));
  EXPECT_THAT(RuleIds(sets_up), ElementsAreArray({"PROG-LOAD", "PROG-ONE"}));

  result = ProgressWeek(GearPlan(kSwing, {common::EQUIPMENT_KETTLEBELL}, 8, 3),
                        {Session({Sets(kSwing, {14, 14, 14}, 8)})}, {}, *ShippedRules(), 3);
  const v1::ProgressionDecision& held = DecisionFor(result, kSwing);
  EXPECT_EQ(held.change(), v1::PROGRESSION_CHANGE_HOLD);
  EXPECT_DOUBLE_EQ(held.after().load_kg(), 8);
  EXPECT_EQ(held.after().sets(), 3);
  EXPECT_THAT(held.reason(), HasSubstr("the load stays at 8.0 kg"));
  // Light dumbbells: 0.5 kg on 3 kg is more than 10 %, the same way.
  result = ProgressWeek(GearPlan(kPress, {common::EQUIPMENT_DUMBBELLS}), {Session({Sets(kPress, {14, 14}, 3)})}, {},
                        *ShippedRules(), 2);
  EXPECT_EQ(DecisionFor(result, kPress).change(), v1::PROGRESSION_CHANGE_SETS_UP);
  EXPECT_DOUBLE_EQ(DecisionFor(result, kPress).after().load_kg(), 3);
}

TEST(LoggedLoads, AVestRisesOnlyAfterThreeComfortableWeeksAtOneLoad) {
  ASSERT_NE(ShippedRules(), nullptr);
  google::protobuf::RepeatedPtrField<scheduling_v1::ExerciseProgression> current;
  const scheduling_v1::WeeklyPlan plan = GearPlan(kVestSquat, {common::EQUIPMENT_WEIGHTED_VEST}, 0, 3);
  const std::vector<v1::SessionLog> week = {Session({Sets(kVestSquat, {14, 14, 14}, 3)})};
  std::vector<v1::ProgressionChange> changes;
  for (int index = 2; index <= 4; ++index) {
    const WeekProgression result = ProgressWeek(plan, week, current, *ShippedRules(), index);
    const v1::ProgressionDecision& decision = DecisionFor(result, kVestSquat);
    changes.push_back(decision.change());
    if (index < 4) {
      EXPECT_THAT(decision.reason(),
                  HasSubstr(absl::StrCat("rises only after 3 comfortable weeks in a row at one load (", index - 1,
                                         " so far)")));
      EXPECT_EQ(decision.after().weeks_at_load(), index - 1);
      EXPECT_THAT(RuleIds(decision), ElementsAreArray({"PROG-LOAD", "PROG-VEST"}));
    } else {
      EXPECT_DOUBLE_EQ(decision.after().load_kg(), 3.5);
      EXPECT_EQ(decision.after().weeks_at_load(), 0);
      EXPECT_THAT(RuleIds(decision), ElementsAreArray({"PROG-LOAD", "PROG-ONE", "PROG-VEST"}));
    }
    current.Clear();
    *current.Add() = decision.after();
  }
  EXPECT_THAT(changes, ElementsAreArray({v1::PROGRESSION_CHANGE_HOLD, v1::PROGRESSION_CHANGE_HOLD,
                                         v1::PROGRESSION_CHANGE_LOAD_UP}));
  // Pain starts the count again.
  current.Mutable(0)->set_weeks_at_load(2);
  const WeekProgression sore =
      ProgressWeek(plan, {Session({Sets(kVestSquat, {14, 14, 14}, 3.5, 2)})}, current, *ShippedRules(), 5);
  EXPECT_EQ(DecisionFor(sore, kVestSquat).after().weeks_at_load(), 0);
}

TEST(LoggedLoads, BodyWeightWorkIgnoresALoggedLoadAndStillAddsASet) {
  ASSERT_NE(ShippedRules(), nullptr);
  const WeekProgression result = ProgressWeek(GearPlan(kSquat, {common::EQUIPMENT_CHAIR}),
                                              {Session({Sets(kSquat, {14, 14}, 5)})}, {}, *ShippedRules(), 2);
  const v1::ProgressionDecision& decision = DecisionFor(result, kSquat);
  EXPECT_EQ(decision.change(), v1::PROGRESSION_CHANGE_SETS_UP);
  EXPECT_EQ(decision.after().sets(), 3);
  EXPECT_DOUBLE_EQ(decision.after().load_kg(), 0);
  EXPECT_THAT(RuleIds(decision), ElementsAreArray({"PROG-LOAD", "PROG-ONE"}));
}

TEST(LoggedLoads, PainReducesTheLoggedLoadByOneRealStep) {
  ASSERT_NE(ShippedRules(), nullptr);
  const WeekProgression result = ProgressWeek(GearPlan(kPress, {common::EQUIPMENT_DUMBBELLS}, 12),
                                              {Session({Sets(kPress, {12, 12}, 12, 5)})}, {}, *ShippedRules(), 2);
  const v1::ProgressionDecision& decision = DecisionFor(result, kPress);
  EXPECT_EQ(decision.change(), v1::PROGRESSION_CHANGE_REDUCE);
  EXPECT_DOUBLE_EQ(decision.after().load_kg(), 11);
  EXPECT_THAT(decision.reason(), HasSubstr("load down to 11.0 kg"));
}

TEST(ProgressionRulesFile, RefusesLoadStepsThatAreNotRealOrNotOrdered) {
  auto shipped = LoadProgressionRulesFile(DataFile("progression_rules.json"));
  ASSERT_TRUE(shipped.ok());
  v1::ProgressionRulesDocument document = (*shipped)->document();
  v1::LoadSteps& steps = *document.mutable_load_steps();
  steps.set_max_percent(30);
  v1::EquipmentSteps& dumbbells = *steps.mutable_equipment(0);
  dumbbells.mutable_kilogram_steps(1)->set_below_kg(5);  // before the previous range's end
  dumbbells.mutable_kilogram_steps(2)->set_step_kg(0);
  dumbbells.clear_basis();
  v1::EquipmentSteps* repeated = steps.add_equipment();
  *repeated = steps.equipment(1);
  repeated->add_band_levels(common::BAND_LEVEL_LIGHT);
  v1::EquipmentSteps* band = steps.add_equipment();
  band->set_equipment(common::EQUIPMENT_STEP);
  band->set_display_name("step");
  band->set_basis("none");
  band->add_band_levels(common::BAND_LEVEL_HEAVY);
  band->add_band_levels(common::BAND_LEVEL_LIGHT);
  band->add_rule_ids("PROG-NONE");
  auto refused = ProgressionRules::FromDocument(document);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(refused.status().message());
  EXPECT_THAT(message, HasSubstr("load_steps.max_percent"));
  EXPECT_THAT(message, HasSubstr("load_steps.equipment[0].kilogram_steps[1].below_kg"));
  EXPECT_THAT(message, HasSubstr("load_steps.equipment[0].kilogram_steps[2].step_kg"));
  EXPECT_THAT(message, HasSubstr("load_steps.equipment[0].basis"));
  EXPECT_THAT(message, HasSubstr("load_steps.equipment[6].equipment: unknown, unspecified or repeated"));
  EXPECT_THAT(message, HasSubstr("load_steps.equipment[6]: give kilogram_steps or band_levels"));
  EXPECT_THAT(message, HasSubstr("load_steps.equipment[7].band_levels[1]"));
  EXPECT_THAT(message, HasSubstr("load_steps.equipment[7].rule_ids[0]: rule PROG-NONE is not defined"));
}

TEST(ProgressionRulesFile, ShippedFileLoadsWithItsRecordedDigest) {
  auto rules = LoadProgressionRulesFile(DataFile("progression_rules.json"));
  ASSERT_TRUE(rules.ok()) << rules.status();
  const std::string declared = (*rules)->document().version();
  const std::string recorded = testing::RecordedDigest(DataFile("progression_rules.digest"), declared);
  ASSERT_FALSE(recorded.empty()) << "no digest recorded for version " << declared << "; add: " << declared
                                 << " " << (*rules)->content_digest();
  EXPECT_EQ((*rules)->content_digest(), recorded)
      << "progression_rules.json changed under version " << declared << ": bump it and record the digest";
}

TEST(ProgressionRulesFile, RefusesMissingRulesAndNumbersOutOfRange) {
  auto shipped = LoadProgressionRulesFile(DataFile("progression_rules.json"));
  ASSERT_TRUE(shipped.ok());
  v1::ProgressionRulesDocument document = (*shipped)->document();
  auto* rules = document.mutable_rules();
  rules->erase(std::remove_if(rules->begin(), rules->end(),
                              [](const v1::ProgressionRule& rule) { return rule.rule_id() == "PROG-IMPACT"; }),
               rules->end());
  document.mutable_session_red_flags()->RemoveLast();
  document.mutable_strength()->set_reps_top(5);  // below reps_bottom
  document.mutable_comfort()->set_soreness_hours(0);
  auto refused = ProgressionRules::FromDocument(document);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(refused.status().message());
  EXPECT_THAT(message, HasSubstr("missing PROG-IMPACT"));
  EXPECT_THAT(message, HasSubstr("strength.reps_top"));
  EXPECT_THAT(message, HasSubstr("comfort.soreness_hours"));
  EXPECT_THAT(message, HasSubstr("missing SESSION_SYMPTOM_NEW_STOOP"));
}

// PROG-BALANCE: holds done as planned move one step up the ladder; the same
// level without holding on first, then the next level holding on.
TEST(Progression, BalanceHeldAsPlannedStepsUpTheLadder) {
  ASSERT_NE(ShippedRules(), nullptr);
  const WeekProgression held = ProgressWeek(Plan(), {Session({Sets(kStance, {3, 2}, 0)})}, {}, *ShippedRules(), 2);
  const v1::ProgressionDecision& first = DecisionFor(held, kStance);
  EXPECT_EQ(first.change(), v1::PROGRESSION_CHANGE_BALANCE_STEP_UP) << first.reason();
  EXPECT_EQ(first.after().balance_level(), osteoflow::catalog::v1::BALANCE_LEVEL_TANDEM);
  EXPECT_FALSE(first.after().balance_hand_support());
  EXPECT_THAT(first.reason(), HasSubstr("without holding on"));
  ASSERT_EQ(first.rules_size(), 1);
  EXPECT_EQ(first.rules(0).rule_id(), "PROG-BALANCE");

  google::protobuf::RepeatedPtrField<scheduling_v1::ExerciseProgression> current;
  *current.Add() = first.after();
  const WeekProgression again =
      ProgressWeek(Plan(), {Session({Sets(kStance, {2, 2}, 0)})}, current, *ShippedRules(), 3);
  const v1::ProgressionDecision& second = DecisionFor(again, kStance);
  EXPECT_EQ(second.change(), v1::PROGRESSION_CHANGE_BALANCE_STEP_UP);
  EXPECT_EQ(second.after().balance_level(), osteoflow::catalog::v1::BALANCE_LEVEL_SINGLE_LEG);
  EXPECT_TRUE(second.after().balance_hand_support());
}

TEST(Progression, BalanceNotHeldAsPlannedOrPainfulKeepsItsStep) {
  ASSERT_NE(ShippedRules(), nullptr);
  for (const v1::ItemLog& log : {Sets(kStance, {2}, 0), Sets(kStance, {2, 1}, 0), Sets(kStance, {3, 3}, 0, 5)}) {
    const WeekProgression result = ProgressWeek(Plan(), {Session({log})}, {}, *ShippedRules(), 2);
    const v1::ProgressionDecision& decision = DecisionFor(result, kStance);
    EXPECT_NE(decision.change(), v1::PROGRESSION_CHANGE_BALANCE_STEP_UP) << log.ShortDebugString();
    EXPECT_EQ(decision.after().balance_level(), osteoflow::catalog::v1::BALANCE_LEVEL_TANDEM);
    EXPECT_TRUE(decision.after().balance_hand_support());
  }
}

}  // namespace
}  // namespace osteoflow::progress

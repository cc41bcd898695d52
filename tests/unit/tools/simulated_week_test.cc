#include "tools/cli/simulated_week.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace osteoflow::tools {
namespace {

namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace common = osteoflow::common::v1;
using ::testing::ElementsAre;

scheduling_v1::PlanItem* AddItem(scheduling_v1::PlanSession* session, const std::string& exercise,
                                 scheduling_v1::Component component) {
  scheduling_v1::PlanItem* item = session->add_items();
  item->set_exercise(exercise);
  item->set_component(component);
  return item;
}

// Monday strength and impact, Wednesday balance in two sessions, Friday
// walking; the other days rest.
scheduling_v1::WeeklyPlan Week() {
  scheduling_v1::WeeklyPlan plan;
  for (const char* date : {"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28",
                           "2026-11-29"}) {
    plan.add_days()->set_date(date);
  }
  scheduling_v1::PlanSession* monday = plan.mutable_days(0)->add_sessions();
  scheduling_v1::PlanItem* squat =
      AddItem(monday, "exercises/dumbbell-goblet-squat", scheduling_v1::COMPONENT_STRENGTH);
  squat->mutable_dose()->mutable_sets_reps()->set_sets(2);
  squat->mutable_dose()->mutable_sets_reps()->set_reps_max(12);
  squat->set_load_kg(4);
  squat->add_equipment(common::EQUIPMENT_DUMBBELLS);
  AddItem(monday, "exercises/heel-drops", scheduling_v1::COMPONENT_IMPACT)->mutable_dose()->set_impacts(20);
  scheduling_v1::PlanItem* hold = AddItem(monday, "exercises/wall-angel", scheduling_v1::COMPONENT_POSTURE);
  hold->mutable_dose()->mutable_sets_reps()->set_sets(1);
  hold->mutable_dose()->mutable_sets_reps()->set_reps_max(8);
  for (int i = 0; i < 2; ++i) {
    AddItem(plan.mutable_days(2)->add_sessions(), "exercises/tandem-stance", scheduling_v1::COMPONENT_BALANCE)
        ->mutable_dose()
        ->set_minutes(5);
  }
  AddItem(plan.mutable_days(4)->add_sessions(), "exercises/brisk-walking", scheduling_v1::COMPONENT_WEIGHT_BEARING_AEROBIC)
      ->mutable_dose()
      ->set_minutes(15);
  return plan;
}

TEST(SessionsAsPlanned, EveryPlannedDayIsLoggedDoneInFullWithStrengthAtTheGivenReps) {
  const auto sessions = SessionsAsPlanned(Week(), 13, FirstLoads{}, absl::CivilDay(2026, 12, 2));
  ASSERT_EQ(sessions.size(), 3u);
  EXPECT_EQ(sessions[0].date(), "2026-11-23");
  ASSERT_EQ(sessions[0].items_size(), 3);
  EXPECT_EQ(sessions[0].items(0).exercise(), "exercises/dumbbell-goblet-squat");
  EXPECT_THAT(sessions[0].items(0).reps_per_set(), ElementsAre(13, 13));
  EXPECT_EQ(sessions[0].items(0).load_kg(), 4);
  EXPECT_EQ(sessions[0].items(0).effort(), 6);
  EXPECT_EQ(sessions[0].items(1).impacts(), 20);
  // Sets that are not strength are done at the top of their range.
  EXPECT_THAT(sessions[0].items(2).reps_per_set(), ElementsAre(8));
  // An exercise in two of the day's sessions is logged once, in full.
  EXPECT_EQ(sessions[1].date(), "2026-11-25");
  ASSERT_EQ(sessions[1].items_size(), 1);
  EXPECT_EQ(sessions[1].items(0).minutes(), 5);
  EXPECT_EQ(sessions[2].items(0).minutes(), 15);
  for (const auto& session : sessions) {
    for (const auto& item : session.items()) {
      EXPECT_EQ(item.pain(), 0);
      EXPECT_FALSE(item.form_broken());
    }
  }
}

TEST(SessionsAsPlanned, DaysAfterTheLastDayAreNotLogged) {
  EXPECT_EQ(SessionsAsPlanned(Week(), 13, FirstLoads{}, absl::CivilDay(2026, 11, 25)).size(), 2u);
  EXPECT_TRUE(SessionsAsPlanned(Week(), 13, FirstLoads{}, absl::CivilDay(2026, 11, 22)).empty());
}

// The load progressed next week is the one logged: loaded work the plan states
// no load for yet is logged at a first choice, on the gear that carries it.
TEST(SessionsAsPlanned, LoadedWorkIsLoggedAtThePlannedLoadOrAFirstChoice) {
  scheduling_v1::WeeklyPlan plan = Week();
  scheduling_v1::PlanSession* monday = plan.mutable_days(0)->mutable_sessions(0);
  scheduling_v1::PlanItem* press = AddItem(monday, "exercises/dumbbell-chest-press", scheduling_v1::COMPONENT_STRENGTH);
  press->mutable_dose()->mutable_sets_reps()->set_sets(2);
  press->add_equipment(common::EQUIPMENT_DUMBBELLS);
  scheduling_v1::PlanItem* row = AddItem(monday, "exercises/band-row", scheduling_v1::COMPONENT_STRENGTH);
  row->mutable_dose()->mutable_sets_reps()->set_sets(2);
  row->add_equipment(common::EQUIPMENT_RESISTANCE_BAND);
  scheduling_v1::PlanItem* pulled = AddItem(monday, "exercises/band-pull-apart", scheduling_v1::COMPONENT_STRENGTH);
  pulled->mutable_dose()->mutable_sets_reps()->set_sets(2);
  pulled->add_equipment(common::EQUIPMENT_RESISTANCE_BAND);
  pulled->set_band_level(common::BAND_LEVEL_HEAVY);
  scheduling_v1::PlanItem* squat = AddItem(monday, "exercises/bodyweight-squat", scheduling_v1::COMPONENT_STRENGTH);
  squat->mutable_dose()->mutable_sets_reps()->set_sets(2);

  const auto sessions = SessionsAsPlanned(plan, 14, FirstLoads{.kilograms = 6.5}, absl::CivilDay(2026, 12, 2));
  ASSERT_FALSE(sessions.empty());
  ASSERT_EQ(sessions[0].items_size(), 7);
  EXPECT_EQ(sessions[0].items(0).load_kg(), 4);  // as planned
  EXPECT_EQ(sessions[0].items(3).load_kg(), 6.5);
  EXPECT_EQ(sessions[0].items(4).band_level(), common::BAND_LEVEL_MEDIUM);
  EXPECT_EQ(sessions[0].items(4).load_kg(), 0);
  EXPECT_EQ(sessions[0].items(5).band_level(), common::BAND_LEVEL_HEAVY);
  EXPECT_EQ(sessions[0].items(6).load_kg(), 0);
  EXPECT_EQ(sessions[0].items(6).band_level(), common::BAND_LEVEL_UNSPECIFIED);
  EXPECT_THAT(sessions[0].items(6).reps_per_set(), ElementsAre(14, 14));
}

}  // namespace
}  // namespace osteoflow::tools

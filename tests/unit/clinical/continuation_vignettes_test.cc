// IMP-CONTINUE from intake to verdict: people who already do an activity,
// screened by the shipped rule set, then judged by the shipped catalog
// through the matching library the catalog service and the planner share.
// Each case is a vignette of the clinical rule reference (section 4).
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "libs/catalog/catalog_file.h"
#include "libs/catalog/restriction_match.h"
#include "osteoflow/screening/v1/intake.pb.h"
#include "services/screening/domain/intake_validation.h"
#include "services/screening/domain/rule_set.h"
#include "services/screening/domain/screening_engine.h"
#include "tests/support/test_catalog.h"

namespace osteoflow {
namespace {

namespace common = osteoflow::common::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace screening_v1 = osteoflow::screening::v1;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const absl::CivilDay kAssessmentDay(2026, 11, 1);

std::string DaysBefore(int days) { return absl::FormatCivilTime(kAssessmentDay - days); }

// A 62-year-old postmenopausal woman with osteopenia (lowest T-score -1.8 at
// the femoral neck), no fracture, no fall, no other finding.
screening_v1::Intake Osteopenia() {
  screening_v1::Intake intake;
  intake.set_patient_id("continue-0001");
  intake.set_assessment_date(absl::FormatCivilTime(kAssessmentDay));
  intake.set_age_years(62);
  intake.set_sex(screening_v1::SEX_FEMALE);
  intake.set_menopausal_status(screening_v1::MENOPAUSAL_STATUS_POSTMENOPAUSAL);
  intake.set_height_cm(165);
  intake.set_weight_kg(60);
  screening_v1::DxaScan* dxa = intake.mutable_dxa();
  dxa->set_scan_date(DaysBefore(30));
  screening_v1::DxaSiteResult* spine = dxa->add_sites();
  spine->set_site(screening_v1::SKELETAL_SITE_LUMBAR_SPINE);
  spine->set_t_score(-1.2);
  screening_v1::DxaSiteResult* neck = dxa->add_sites();
  neck->set_site(screening_v1::SKELETAL_SITE_FEMORAL_NECK);
  neck->set_t_score(-1.8);
  intake.mutable_current_activity()->set_days_per_week(4);
  intake.mutable_current_activity()->set_minutes_per_day(45);
  return intake;
}

screening_v1::RegularActivity* Does(screening_v1::Intake& intake, const std::string& exercise_id,
                                    int sessions_per_week, int months) {
  screening_v1::RegularActivity* activity = intake.add_regular_activities();
  activity->set_exercise("exercises/" + exercise_id);
  activity->set_sessions_per_week(sessions_per_week);
  activity->set_months_done(months);
  return activity;
}

// The same woman, who has run three times a week for five years without pain
// or a fall.
screening_v1::Intake Runner() {
  screening_v1::Intake intake = Osteopenia();
  Does(intake, "running", 3, 60);
  return intake;
}

void AddFracture(screening_v1::Intake& intake, screening_v1::FractureSite site, int days_ago) {
  screening_v1::Fracture* fracture = intake.add_fractures();
  fracture->set_site(site);
  fracture->set_low_trauma(true);
  fracture->set_date(DaysBefore(days_ago));
}

std::vector<std::string> RuleIds(const catalog_v1::EvaluateActivityResponse& response) {
  std::vector<std::string> ids;
  for (const catalog_v1::Finding& finding : response.findings()) ids.push_back(finding.rule().rule_id());
  return ids;
}

std::vector<std::string> Continued(const common::Restrictions& restrictions) {
  std::vector<std::string> names;
  for (const common::ActivityContinuation& continuation : restrictions.continuations()) {
    names.push_back(continuation.exercise());
  }
  return names;
}

class ContinuationVignettes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto rules = screening::LoadRuleSetFile(std::string(OSTEOFLOW_SOURCE_DIR) +
                                            "/services/screening/data/rules.json");
    if (rules.ok()) rules_ = new std::shared_ptr<const screening::RuleSet>(*rules);
    auto catalog = catalog::LoadCatalogFile(testing::ShippedCatalogPath());
    if (catalog.ok()) catalog_ = new std::shared_ptr<const catalog::ExerciseCatalog>(*catalog);
  }
  static void TearDownTestSuite() {
    delete rules_;
    rules_ = nullptr;
    delete catalog_;
    catalog_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(rules_, nullptr) << "the shipped rule set did not load";
    ASSERT_NE(catalog_, nullptr) << "the shipped catalog did not load";
  }

  // The restrictions screening gives the intake, checked as the catalog and
  // scheduling check them.
  common::Restrictions Screen(const screening_v1::Intake& intake) {
    const absl::Status valid = screening::ValidateIntake(intake, kAssessmentDay, "intake");
    EXPECT_TRUE(valid.ok()) << valid;
    auto result = screening::EvaluateIntake(**rules_, intake);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_NE(result->outcome(), screening_v1::OUTCOME_REFER) << result->DebugString();
    const absl::Status restrictions_valid =
        catalog::ValidateRestrictions(result->restrictions(), "restrictions");
    EXPECT_TRUE(restrictions_valid.ok()) << restrictions_valid;
    return result->restrictions();
  }

  catalog_v1::EvaluateActivityResponse Evaluate(const std::string& id, const common::Restrictions& restrictions) {
    const catalog_v1::Exercise* exercise = (*catalog_)->Find(id);
    EXPECT_NE(exercise, nullptr) << "the catalog has no " << id;
    if (exercise == nullptr) return {};
    catalog_v1::EvaluateActivityResponse response = catalog::EvaluateActivity(*exercise, restrictions, **catalog_);
    // The planner's quick verdict agrees with the full one.
    EXPECT_EQ(catalog::VerdictOf(*exercise, restrictions), response.verdict()) << id;
    return response;
  }

  static std::shared_ptr<const screening::RuleSet>* rules_;
  static std::shared_ptr<const catalog::ExerciseCatalog>* catalog_;
};
std::shared_ptr<const screening::RuleSet>* ContinuationVignettes::rules_ = nullptr;
std::shared_ptr<const catalog::ExerciseCatalog>* ContinuationVignettes::catalog_ = nullptr;

TEST_F(ContinuationVignettes, ARunnerWithOsteopeniaMayKeepRunningWithModification) {
  const common::Restrictions restrictions = Screen(Runner());
  ASSERT_EQ(restrictions.continuations_size(), 1);
  const common::ActivityContinuation& continuation = restrictions.continuations(0);
  EXPECT_EQ(continuation.exercise(), "exercises/running");
  EXPECT_EQ(continuation.rule().rule_id(), "IMP-CONTINUE");
  EXPECT_THAT(continuation.rule().source_keys(), Contains("ROS-2022"));
  EXPECT_EQ(continuation.max_impact(), common::IMPACT_LEVEL_HIGH);
  EXPECT_THAT(continuation.lifted_tags(), IsEmpty());

  const auto response = Evaluate("running", restrictions);
  EXPECT_EQ(response.verdict(), catalog_v1::VERDICT_ALLOWED_WITH_MODIFICATION);
  // Why a new starter would not get it, and the rule that lets her continue.
  EXPECT_THAT(RuleIds(response), Contains("IMP-LOWBONE"));
  EXPECT_THAT(RuleIds(response), Contains("IMP-CONTINUE"));
  ASSERT_FALSE(response.modifications().empty());
  EXPECT_THAT(response.modifications(0), HasSubstr("build up only gradually"));
  EXPECT_THAT(response.modifications(0), HasSubstr("no loaded end-range twisting"));
  EXPECT_FALSE(response.has_safer_alternative());
  EXPECT_TRUE(response.has_dose());
}

TEST_F(ContinuationVignettes, SomeoneWhoDoesNotRunIsStillOfferedTheSaferAlternative) {
  const common::Restrictions restrictions = Screen(Osteopenia());
  EXPECT_THAT(restrictions.continuations(), IsEmpty());
  const auto response = Evaluate("running", restrictions);
  EXPECT_EQ(response.verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_THAT(RuleIds(response), Not(Contains("IMP-CONTINUE")));
  ASSERT_TRUE(response.has_safer_alternative());
  EXPECT_EQ(response.safer_alternative().id(), "jogging");
}

TEST_F(ContinuationVignettes, TheRunnersOtherHighImpactActivitiesAreNotContinued) {
  const common::Restrictions restrictions = Screen(Runner());
  for (const char* id : {"jumping-rope", "box-jumps", "tennis", "high-impact-aerobics"}) {
    EXPECT_EQ(Evaluate(id, restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED) << id;
  }
}

TEST_F(ContinuationVignettes, AVertebralFractureEndsTheContinuation) {
  screening_v1::Intake intake = Runner();
  AddFracture(intake, screening_v1::FRACTURE_SITE_VERTEBRA, 2 * 365);
  const common::Restrictions restrictions = Screen(intake);
  EXPECT_THAT(restrictions.continuations(), IsEmpty());
  const auto response = Evaluate("running", restrictions);
  EXPECT_EQ(response.verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_THAT(RuleIds(response), Contains("IMP-VF"));
}

TEST_F(ContinuationVignettes, TwoFragilityFracturesEndTheContinuation) {
  screening_v1::Intake intake = Runner();
  AddFracture(intake, screening_v1::FRACTURE_SITE_WRIST, 3 * 365);
  EXPECT_THAT(Screen(intake).continuations_size(), 1) << "one fragility fracture is not several";
  AddFracture(intake, screening_v1::FRACTURE_SITE_ANKLE, 2 * 365);
  const common::Restrictions restrictions = Screen(intake);
  EXPECT_THAT(restrictions.continuations(), IsEmpty());
  EXPECT_EQ(Evaluate("running", restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);
}

TEST_F(ContinuationVignettes, AFallRiskFlagEndsTheContinuation) {
  screening_v1::Intake intake = Runner();
  intake.mutable_falls()->set_count_last_12_months(2);  // SUP-FALLS, not while running
  const common::Restrictions restrictions = Screen(intake);
  EXPECT_THAT(restrictions.continuations(), IsEmpty());
  EXPECT_EQ(Evaluate("running", restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);

  screening_v1::Intake unsteady = Runner();
  unsteady.mutable_functional_tests()->set_timed_up_and_go_seconds(12.5);
  EXPECT_THAT(Screen(unsteady).continuations(), IsEmpty());
}

TEST_F(ContinuationVignettes, FrailtyEndsTheContinuation) {
  screening_v1::Intake intake = Runner();
  intake.mutable_conditions()->set_frail(true);
  EXPECT_THAT(Screen(intake).continuations(), IsEmpty());
}

TEST_F(ContinuationVignettes, PainOrAFallDoingItEndsTheContinuation) {
  screening_v1::Intake painful = Runner();
  painful.mutable_regular_activities(0)->set_caused_pain(true);
  const common::Restrictions restrictions = Screen(painful);
  EXPECT_THAT(restrictions.continuations(), IsEmpty());
  EXPECT_EQ(Evaluate("running", restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);

  screening_v1::Intake fell = Runner();
  fell.mutable_falls()->set_count_last_12_months(1);  // one fall: no fall-risk flag on its own
  fell.mutable_regular_activities(0)->set_fell_doing_it(true);
  EXPECT_THAT(Screen(fell).continuations(), IsEmpty());
}

TEST_F(ContinuationVignettes, RegularlyMeansWeeklyForSixMonths) {
  screening_v1::Intake recent = Osteopenia();
  Does(recent, "running", 3, 5);
  EXPECT_THAT(Screen(recent).continuations(), IsEmpty()) << "five months is not yet regular";

  screening_v1::Intake six_months = Osteopenia();
  Does(six_months, "running", 1, 6);
  EXPECT_THAT(Continued(Screen(six_months)), Contains("exercises/running"));
}

TEST_F(ContinuationVignettes, ATennisPlayerMayKeepPlayingWithoutLoadedEndRangeTwisting) {
  screening_v1::Intake intake = Osteopenia();
  Does(intake, "tennis", 2, 120);
  const common::Restrictions restrictions = Screen(intake);
  ASSERT_EQ(restrictions.continuations_size(), 1);
  EXPECT_THAT(restrictions.continuations(0).lifted_tags(), Contains(common::SAFETY_TAG_AVOID_TWIST));

  const auto response = Evaluate("tennis", restrictions);
  EXPECT_EQ(response.verdict(), catalog_v1::VERDICT_ALLOWED_WITH_MODIFICATION);
  EXPECT_THAT(RuleIds(response), Contains("AVOID-TWIST"));
  EXPECT_THAT(RuleIds(response), Contains("IMP-LOWBONE"));
  EXPECT_THAT(RuleIds(response), Contains("IMP-CONTINUE"));
  ASSERT_FALSE(response.modifications().empty());
  EXPECT_THAT(response.modifications(0), HasSubstr("no loaded end-range twisting"));

  // Loaded rotation is lifted for tennis alone, not for the rest of the catalog.
  EXPECT_EQ(Evaluate("golf-full-swing", restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_EQ(Evaluate("trunk-rotation-machine", restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);
}

TEST_F(ContinuationVignettes, SomeoneStartingTennisGetsTheSaferAlternative) {
  const common::Restrictions restrictions = Screen(Osteopenia());
  const auto response = Evaluate("tennis", restrictions);
  EXPECT_EQ(response.verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);
  ASSERT_TRUE(response.has_safer_alternative());
  EXPECT_EQ(response.safer_alternative().id(), "brisk-walking");
}

TEST_F(ContinuationVignettes, AGolfSwingIsNotARacketSportAndIsNotContinued) {
  screening_v1::Intake intake = Osteopenia();
  Does(intake, "golf-full-swing", 2, 240);
  const common::Restrictions restrictions = Screen(intake);
  EXPECT_THAT(restrictions.continuations(), IsEmpty());
  EXPECT_EQ(Evaluate("golf-full-swing", restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);
}

TEST_F(ContinuationVignettes, HeadstandsSitUpsAndSkiingAreNeverContinued) {
  screening_v1::Intake intake = Osteopenia();
  for (const char* id : {"headstand", "sit-up", "skiing", "lying-double-leg-raise", "kettlebell-snatch",
                         "heavy-floor-lift"}) {
    Does(intake, id, 3, 120);
  }
  const common::Restrictions restrictions = Screen(intake);
  EXPECT_THAT(restrictions.continuations(), IsEmpty());
  for (const screening_v1::RegularActivity& activity : intake.regular_activities()) {
    const std::string id = activity.exercise().substr(std::string("exercises/").size());
    EXPECT_EQ(Evaluate(id, restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED) << id;
  }
}

TEST_F(ContinuationVignettes, AnActivityOutsideTheCatalogIsRecordedButNotContinued) {
  screening_v1::Intake intake = Osteopenia();
  screening_v1::RegularActivity* activity = intake.add_regular_activities();
  activity->set_other_name("Fell running");
  activity->set_sessions_per_week(3);
  activity->set_months_done(120);
  EXPECT_THAT(Screen(intake).continuations(), IsEmpty());
}

TEST_F(ContinuationVignettes, NormalBoneNeedsNoContinuation) {
  screening_v1::Intake intake = Runner();
  for (screening_v1::DxaSiteResult& site : *intake.mutable_dxa()->mutable_sites()) site.set_t_score(-0.5);
  const common::Restrictions restrictions = Screen(intake);
  EXPECT_THAT(restrictions.continuations(), IsEmpty());
  EXPECT_EQ(Evaluate("running", restrictions).verdict(), catalog_v1::VERDICT_ALLOWED);
}

TEST_F(ContinuationVignettes, OsteoporosisWithoutFracturesMayContinueToo) {
  screening_v1::Intake intake = Runner();
  intake.mutable_dxa()->mutable_sites(1)->set_t_score(-2.7);
  const common::Restrictions restrictions = Screen(intake);
  EXPECT_THAT(Continued(restrictions), Contains("exercises/running"));
  EXPECT_EQ(Evaluate("running", restrictions).verdict(), catalog_v1::VERDICT_ALLOWED_WITH_MODIFICATION);
}

TEST_F(ContinuationVignettes, EachActivityIsJudgedOnItsOwnAnswers) {
  screening_v1::Intake intake = Osteopenia();
  Does(intake, "running", 3, 60)->set_caused_pain(true);
  Does(intake, "tennis", 1, 24);
  Does(intake, "jumping-rope", 2, 2);
  const common::Restrictions restrictions = Screen(intake);
  EXPECT_EQ(Continued(restrictions), std::vector<std::string>{"exercises/tennis"});
}

// A continuation never reaches past what it lifts, even when a caller writes
// one by hand.
TEST_F(ContinuationVignettes, AHandWrittenContinuationLiftsOnlyWhatItNames) {
  common::Restrictions restrictions = Screen(Osteopenia());
  common::ActivityContinuation* headstand = restrictions.add_continuations();
  headstand->set_exercise("exercises/headstand");
  headstand->set_modification("Carry on.");
  headstand->mutable_rule()->set_rule_id("IMP-CONTINUE");
  headstand->set_max_impact(common::IMPACT_LEVEL_HIGH);
  headstand->add_lifted_tags(common::SAFETY_TAG_AVOID_TWIST);
  ASSERT_TRUE(catalog::ValidateRestrictions(restrictions, "restrictions").ok());
  EXPECT_EQ(Evaluate("headstand", restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED);

  common::ActivityContinuation* box_jumps = restrictions.add_continuations();
  box_jumps->set_exercise("exercises/box-jumps");
  box_jumps->set_modification("Carry on.");
  box_jumps->mutable_rule()->set_rule_id("IMP-CONTINUE");
  box_jumps->set_max_impact(common::IMPACT_LEVEL_MODERATE);
  ASSERT_TRUE(catalog::ValidateRestrictions(restrictions, "restrictions").ok());
  EXPECT_EQ(Evaluate("box-jumps", restrictions).verdict(), catalog_v1::VERDICT_NOT_RECOMMENDED)
      << "high impact is above the continuation's own limit";
}

}  // namespace
}  // namespace osteoflow

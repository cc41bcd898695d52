// A property of plans for people who already do higher-impact or racket
// activities: generated intakes (fixed seed) screened by the shipped rule set
// and planned with the shipped catalog and dose rules. An entry a new starter
// would not be given appears in a plan only when IMP-CONTINUE's conditions,
// judged here independently of the rule engine, hold for that person and
// that activity, and then it says how to continue and cites the rule.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "libs/catalog/restriction_match.h"
#include "services/scheduling/domain/plan_inputs.h"
#include "services/scheduling/domain/weekly_planner.h"
#include "services/screening/domain/intake_validation.h"
#include "services/screening/domain/rule_set.h"
#include "services/screening/domain/screening_engine.h"
#include "tests/unit/scheduling/shipped_data.h"

namespace osteoflow::scheduling {
namespace {

namespace common = osteoflow::common::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace screening_v1 = osteoflow::screening::v1;

constexpr int kCases = 400;
constexpr uint32_t kSeed = 20261201;
const absl::CivilDay kAssessmentDay(2026, 11, 2);  // a Monday

// Activities people keep up for years; the first four are higher-impact or
// racket activities, the rest are what a catalog holds for other reasons.
const char* const kActivities[] = {"running", "tennis", "jumping-rope", "high-impact-aerobics",
                                   "golf-full-swing", "headstand", "sit-up", "skiing", "box-jumps",
                                   "brisk-walking"};

class IntakeGenerator {
 public:
  IntakeGenerator() : random_(kSeed) {}

  screening_v1::Intake Next(int index) {
    screening_v1::Intake intake;
    intake.set_patient_id(absl::StrCat("continue-", index));
    intake.set_assessment_date(absl::FormatCivilTime(kAssessmentDay));
    intake.set_age_years(Uniform(50, 85));
    intake.set_sex(Chance(0.75) ? screening_v1::SEX_FEMALE : screening_v1::SEX_MALE);
    if (intake.sex() == screening_v1::SEX_FEMALE) {
      intake.set_menopausal_status(screening_v1::MENOPAUSAL_STATUS_POSTMENOPAUSAL);
    }
    intake.set_height_cm(Uniform(150, 190));
    intake.set_weight_kg(Uniform(50, 90));
    screening_v1::DxaScan* dxa = intake.mutable_dxa();
    dxa->set_scan_date(Before(Uniform(0, 300)));
    for (const screening_v1::SkeletalSite site :
         {screening_v1::SKELETAL_SITE_LUMBAR_SPINE, screening_v1::SKELETAL_SITE_TOTAL_HIP,
          screening_v1::SKELETAL_SITE_FEMORAL_NECK}) {
      screening_v1::DxaSiteResult* result = dxa->add_sites();
      result->set_site(site);
      result->set_t_score(Uniform(-35, 5) / 10.0);
    }
    // Fractures long enough ago not to be a red flag (RF-RECENT-FX).
    const int fractures = Chance(0.6) ? 0 : Uniform(1, 3);
    for (int i = 0; i < fractures; ++i) {
      screening_v1::Fracture* fracture = intake.add_fractures();
      fracture->set_site(Chance(0.3) ? screening_v1::FRACTURE_SITE_VERTEBRA : screening_v1::FRACTURE_SITE_WRIST);
      fracture->set_low_trauma(Chance(0.7));
      fracture->set_date(Before(Uniform(100, 3000)));
    }
    intake.mutable_falls()->set_count_last_12_months(Chance(0.6) ? 0 : Uniform(1, 3));
    intake.set_gait_or_balance_problem(Chance(0.1));
    if (Chance(0.3)) intake.mutable_functional_tests()->set_timed_up_and_go_seconds(Uniform(60, 160) / 10.0);
    intake.mutable_conditions()->set_frail(Chance(0.1));
    intake.mutable_conditions()->set_hypertension(Chance(0.2));
    intake.mutable_current_activity()->set_days_per_week(Uniform(2, 6));
    intake.mutable_current_activity()->set_minutes_per_day(Uniform(20, 90));
    std::vector<std::string> activities(std::begin(kActivities), std::end(kActivities));
    std::shuffle(activities.begin(), activities.end(), random_);
    const int done = Uniform(1, 4);
    for (int i = 0; i < done; ++i) {
      screening_v1::RegularActivity* activity = intake.add_regular_activities();
      activity->set_exercise("exercises/" + activities[static_cast<size_t>(i)]);
      activity->set_sessions_per_week(Uniform(1, 5));
      activity->set_months_done(Chance(0.2) ? Uniform(0, 8) : Uniform(6, 240));
      activity->set_caused_pain(Chance(0.15));
      activity->set_fell_doing_it(intake.falls().count_last_12_months() > 0 && Chance(0.3));
    }
    return intake;
  }

 private:
  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(random_); }
  std::string Before(int days) { return absl::FormatCivilTime(kAssessmentDay - days); }

  std::mt19937 random_;
};

// IMP-CONTINUE as the clinical reference words it, for this test's intakes
// (postmenopausal or 50 and over, a scan of the central sites, no red flag):
// osteopenia or osteoporosis without a vertebral fracture, two or more
// fragility fractures, frailty or a fall-risk flag, and the activity done at
// least weekly for at least 6 months without pain or a fall.
bool MayContinue(const screening_v1::Intake& intake, const std::string& exercise_name) {
  double lowest = 10;
  for (const screening_v1::DxaSiteResult& site : intake.dxa().sites()) lowest = std::min(lowest, site.t_score());
  int fragility = 0;
  bool vertebral = false;
  for (const screening_v1::Fracture& fracture : intake.fractures()) {
    fragility += fracture.low_trauma() ? 1 : 0;
    vertebral = vertebral || fracture.site() == screening_v1::FRACTURE_SITE_VERTEBRA;
  }
  const bool fall_risk = intake.falls().count_last_12_months() >= 2 || intake.falls().any_needed_medical_attention() ||
                         intake.gait_or_balance_problem() ||
                         (intake.functional_tests().has_timed_up_and_go_seconds() &&
                          intake.functional_tests().timed_up_and_go_seconds() >= 12);
  if (lowest >= -1.0 || vertebral || fragility >= 2 || intake.conditions().frail() || fall_risk) return false;
  for (const screening_v1::RegularActivity& activity : intake.regular_activities()) {
    if (activity.exercise() != exercise_name) continue;
    return activity.sessions_per_week() >= 1 && activity.months_done() >= 6 && !activity.caused_pain() &&
           !activity.fell_doing_it();
  }
  return false;
}

// The restrictions as a new starter meets them.
common::Restrictions WithoutContinuations(common::Restrictions restrictions) {
  restrictions.clear_continuations();
  return restrictions;
}

bool Cites(const v1::PlanItem& item, const std::string& rule_id) {
  return std::any_of(item.rules().begin(), item.rules().end(),
                     [&](const common::RuleCitation& rule) { return rule.rule_id() == rule_id; });
}

TEST(ContinuedActivityProperties, OnlyPeopleWhomImpContinueCoversKeepTheirActivityInAPlan) {
  const Shipped* shipped = LoadShipped();
  ASSERT_NE(shipped, nullptr) << "the shipped catalog or plan rules did not load";
  auto rules = screening::LoadRuleSetFile(std::string(OSTEOFLOW_SOURCE_DIR) + "/services/screening/data/rules.json");
  ASSERT_TRUE(rules.ok()) << rules.status();
  IntakeGenerator generator;
  int planned = 0, continued_items = 0, failing = 0;
  for (int index = 0; index < kCases; ++index) {
    const screening_v1::Intake intake = generator.Next(index);
    ASSERT_TRUE(screening::ValidateIntake(intake, kAssessmentDay, "intake").ok())
        << screening::ValidateIntake(intake, kAssessmentDay, "intake") << intake.DebugString();
    absl::StatusOr<screening_v1::ScreeningResult> result = screening::EvaluateIntake(**rules, intake);
    ASSERT_TRUE(result.ok()) << result.status();
    if (result->outcome() == screening_v1::OUTCOME_REFER) continue;

    v1::BuildWeeklyPlanRequest request;
    request.set_patient_id(intake.patient_id());
    *request.mutable_screening_result() = *result;
    request.set_week_start_date(absl::FormatCivilTime(kAssessmentDay));
    request.set_week_index(1);
    v1::Preferences* preferences = request.mutable_preferences();
    for (int day = 1; day <= 7; ++day) preferences->add_available_days(static_cast<v1::Weekday>(day));
    preferences->set_minutes_per_day(120);
    for (int item = 1; item < common::Equipment_ARRAYSIZE; ++item) {
      preferences->add_equipment(static_cast<common::Equipment>(item));
    }
    // What they do now is what they enjoy, so the planner reaches for it first.
    for (const screening_v1::RegularActivity& activity : intake.regular_activities()) {
      preferences->add_enjoyed_exercises(activity.exercise());
    }
    const absl::Status valid = ValidateBuildRequest(request);
    ASSERT_TRUE(valid.ok()) << "case " << index << ": " << valid;
    const v1::PlanInputs inputs = CanonicalInputs(request, request.screening_result());
    const absl::StatusOr<v1::WeeklyPlan> plan = BuildWeeklyPlan(inputs, *shipped->planning, *shipped->rules);
    ASSERT_TRUE(plan.ok()) << "case " << index << ": " << plan.status();
    ++planned;

    const common::Restrictions& restrictions = result->restrictions();
    const common::Restrictions new_starter = WithoutContinuations(restrictions);
    std::vector<std::string> problems;
    for (const v1::PlanDay& day : plan->days()) {
      for (const v1::PlanSession& session : day.sessions()) {
        for (const v1::PlanItem& item : session.items()) {
          const catalog_v1::Exercise* exercise = shipped->catalog->Find(item.exercise_id());
          if (exercise == nullptr) {
            problems.push_back(item.exercise_id() + " is not in the catalog");
            continue;
          }
          if (catalog::VerdictOf(*exercise, new_starter) == catalog_v1::VERDICT_ALLOWED) {
            if (Cites(item, "IMP-CONTINUE")) problems.push_back(item.exercise_id() + " cites IMP-CONTINUE needlessly");
            continue;
          }
          ++continued_items;
          if (!MayContinue(intake, exercise->name())) {
            problems.push_back(item.exercise_id() + " planned though IMP-CONTINUE does not cover it");
          }
          if (!Cites(item, "IMP-CONTINUE")) problems.push_back(item.exercise_id() + " does not cite IMP-CONTINUE");
          const common::ActivityContinuation* continuation = catalog::ContinuationApplied(*exercise, restrictions);
          if (continuation == nullptr ||
              std::find(item.cues().begin(), item.cues().end(), continuation->modification()) == item.cues().end()) {
            problems.push_back(item.exercise_id() + " does not say how to continue it");
          }
        }
      }
    }
    if (!problems.empty() && ++failing <= 5) {
      ADD_FAILURE() << "case " << index << ":\n  " << absl::StrJoin(problems, "\n  ") << "\nintake: "
                    << intake.ShortDebugString() << "\nrestrictions: " << restrictions.ShortDebugString();
    }
  }
  EXPECT_EQ(failing, 0);
  // Not vacuous: plans were made, and some kept an activity already done.
  EXPECT_GT(planned, kCases / 2);
  EXPECT_GT(continued_items, 0);
}

}  // namespace
}  // namespace osteoflow::scheduling

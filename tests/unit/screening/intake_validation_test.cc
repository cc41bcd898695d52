#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/screening/domain/intake_validation.h"

namespace osteoflow::screening {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using v1::Intake;

// Fixed days: the tests never read the wall clock.
const absl::CivilDay kToday(2026, 11, 1);
constexpr char kAssessmentDate[] = "2026-11-01";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// The smallest valid intake: only the required fields, age 70 on kToday.
Intake ValidIntake() {
  Intake intake;
  intake.set_patient_id("p-0001");
  intake.set_assessment_date(kAssessmentDate);
  intake.set_age_years(70);
  intake.set_sex(v1::SEX_FEMALE);
  intake.set_height_cm(160);
  intake.set_weight_kg(62.5);
  return intake;
}

v1::DxaSiteResult* AddSite(Intake& intake, v1::SkeletalSite site, double t_score) {
  v1::DxaSiteResult* result = intake.mutable_dxa()->add_sites();
  result->set_site(site);
  result->set_t_score(t_score);
  return result;
}

v1::Fracture* AddFracture(Intake& intake, v1::FractureSite site, const std::string& date) {
  v1::Fracture* fracture = intake.add_fractures();
  fracture->set_site(site);
  fracture->set_low_trauma(true);
  fracture->set_date(date);
  return fracture;
}

// Every field set to a plausible value.
Intake FullIntake() {
  Intake intake = ValidIntake();
  intake.set_menopausal_status(v1::MENOPAUSAL_STATUS_POSTMENOPAUSAL);
  intake.mutable_dxa()->set_scan_date("2026-09-15");
  AddSite(intake, v1::SKELETAL_SITE_LUMBAR_SPINE, -2.7)->set_z_score(-1.2);
  AddSite(intake, v1::SKELETAL_SITE_TOTAL_HIP, -2.1);
  AddSite(intake, v1::SKELETAL_SITE_FEMORAL_NECK, -2.4);
  intake.mutable_dxa()->add_sites()->set_site(v1::SKELETAL_SITE_FOREARM);
  intake.mutable_dxa()->mutable_sites(3)->set_z_score(-0.5);
  AddFracture(intake, v1::FRACTURE_SITE_WRIST, "2019-01-01");
  AddFracture(intake, v1::FRACTURE_SITE_VERTEBRA, "2026-03-12");
  intake.mutable_falls()->set_count_last_12_months(2);
  intake.mutable_falls()->set_any_needed_medical_attention(true);
  intake.set_gait_or_balance_problem(true);
  intake.mutable_functional_tests()->set_timed_up_and_go_seconds(13.5);
  intake.mutable_functional_tests()->set_tandem_stance_seconds(8.0);
  intake.mutable_functional_tests()->set_chair_stands_30_seconds(9);
  intake.mutable_conditions()->set_hypertension(true);
  intake.mutable_conditions()->set_arthritis(true);
  intake.set_glucocorticoid_use(true);
  intake.mutable_current_activity()->set_days_per_week(3);
  intake.mutable_current_activity()->set_minutes_per_day(30);
  intake.mutable_symptoms()->set_height_loss_cm(3.5);
  intake.mutable_symptoms()->set_new_stoop(true);
  intake.mutable_recent_history()->set_last_surgery_date("2024-05-20");
  v1::RegularActivity* running = intake.add_regular_activities();
  running->set_exercise("exercises/running");
  running->set_sessions_per_week(3);
  running->set_months_done(60);
  v1::RegularActivity* other = intake.add_regular_activities();
  other->set_other_name("Walking football");
  other->set_sessions_per_week(1);
  other->set_months_done(12);
  other->set_caused_pain(true);
  return intake;
}

// An activity of the catalog's, listed under its own name, done weekly for a year.
v1::RegularActivity* AddRegularActivity(Intake& intake, const std::string& name) {
  v1::RegularActivity* activity = intake.add_regular_activities();
  activity->set_other_name(name);
  activity->set_sessions_per_week(1);
  activity->set_months_done(12);
  return activity;
}

absl::Status Validate(const Intake& intake) { return ValidateIntake(intake, kToday, "intake"); }

struct IntakeCase {
  std::string label;  // the test name
  std::function<void(Intake&)> change;
  std::string field;  // the exact path the problem must be reported on
  std::string why;    // part of the reason

  friend void PrintTo(const IntakeCase& c, std::ostream* out) { *out << c.label; }
};

std::string CaseName(const ::testing::TestParamInfo<IntakeCase>& info) { return info.param.label; }

TEST(IntakeValidation, MinimalIntakeIsValid) {
  const absl::Status status = Validate(ValidIntake());
  EXPECT_TRUE(status.ok()) << status;
}

TEST(IntakeValidation, FullyPopulatedIntakeIsValid) {
  const absl::Status status = Validate(FullIntake());
  EXPECT_TRUE(status.ok()) << status;
}

// --- Changes that break exactly one rule ----------------------------------

class IntakeValidationRejects : public ::testing::TestWithParam<IntakeCase> {};

TEST_P(IntakeValidationRejects, NamingTheFieldAndWhy) {
  Intake intake = FullIntake();
  GetParam().change(intake);
  const absl::Status status = Validate(intake);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat(GetParam().field, ": ", GetParam().why)));
}

const absl::CivilDay kEarliestBirth(1955, 11, 2);  // age 70 on 2026-11-01

INSTANTIATE_TEST_SUITE_P(
    IntakeValidation, IntakeValidationRejects,
    ::testing::Values(
        // patient_id
        IntakeCase{"PatientIdMissing", [](Intake& i) { i.clear_patient_id(); }, "intake.patient_id",
                   "required"},
        IntakeCase{"PatientIdWithSpace", [](Intake& i) { i.set_patient_id("Jane Doe"); },
                   "intake.patient_id", "must be 1-64 characters"},
        IntakeCase{"PatientIdTooLong", [](Intake& i) { i.set_patient_id(std::string(65, 'a')); },
                   "intake.patient_id", "must be 1-64 characters"},
        // assessment_date
        IntakeCase{"AssessmentDateMissing", [](Intake& i) { i.clear_assessment_date(); },
                   "intake.assessment_date", "required"},
        IntakeCase{"AssessmentDateShortMonth",
                   [](Intake& i) { i.set_assessment_date("2026-1-01"); }, "intake.assessment_date",
                   "not a date: want YYYY-MM-DD"},
        IntakeCase{"AssessmentDateNotARealDay",
                   [](Intake& i) { i.set_assessment_date("2026-02-29"); }, "intake.assessment_date",
                   "not a date"},
        IntakeCase{"AssessmentDateBefore1900",
                   [](Intake& i) { i.set_assessment_date("1899-12-31"); }, "intake.assessment_date",
                   "must be in 1900 or later"},
        IntakeCase{"AssessmentDateInTheFuture",
                   [](Intake& i) { i.set_assessment_date("2026-11-02"); }, "intake.assessment_date",
                   "must not be in the future (today is 2026-11-01)"},
        // age_years
        IntakeCase{"AgeMissing", [](Intake& i) { i.clear_age_years(); }, "intake.age_years",
                   "required"},
        IntakeCase{"Age17", [](Intake& i) { i.set_age_years(17); }, "intake.age_years",
                   "must be between 18 and 120 (years)"},
        IntakeCase{"Age121", [](Intake& i) { i.set_age_years(121); }, "intake.age_years",
                   "must be between 18 and 120"},
        IntakeCase{"AgeNegative", [](Intake& i) { i.set_age_years(-70); }, "intake.age_years",
                   "must be between 18 and 120"},
        // sex and menopausal_status
        IntakeCase{"SexMissing", [](Intake& i) { i.clear_sex(); }, "intake.sex", "required"},
        IntakeCase{"SexUnknownValue", [](Intake& i) { i.set_sex(static_cast<v1::Sex>(99)); },
                   "intake.sex", "not a known value (99)"},
        IntakeCase{"MenopausalStatusUnknownValue",
                   [](Intake& i) { i.set_menopausal_status(static_cast<v1::MenopausalStatus>(7)); },
                   "intake.menopausal_status", "not a known value (7)"},
        IntakeCase{"MenopausalStatusForAMan", [](Intake& i) { i.set_sex(v1::SEX_MALE); },
                   "intake.menopausal_status", "only for women"},
        // height and weight
        IntakeCase{"HeightMissing", [](Intake& i) { i.clear_height_cm(); }, "intake.height_cm",
                   "required"},
        IntakeCase{"HeightBelow100", [](Intake& i) { i.set_height_cm(99.9); }, "intake.height_cm",
                   "must be between 100 and 250 (centimetres)"},
        IntakeCase{"HeightAbove250", [](Intake& i) { i.set_height_cm(250.1); }, "intake.height_cm",
                   "must be between 100 and 250 (centimetres)"},
        IntakeCase{"HeightNaN", [](Intake& i) { i.set_height_cm(kNaN); }, "intake.height_cm",
                   "must be a finite number"},
        IntakeCase{"HeightInfinite", [](Intake& i) { i.set_height_cm(kInfinity); },
                   "intake.height_cm", "must be a finite number"},
        IntakeCase{"WeightMissing", [](Intake& i) { i.clear_weight_kg(); }, "intake.weight_kg",
                   "required"},
        IntakeCase{"WeightBelow25", [](Intake& i) { i.set_weight_kg(24.9); }, "intake.weight_kg",
                   "must be between 25 and 350 (kilograms)"},
        IntakeCase{"WeightAbove350", [](Intake& i) { i.set_weight_kg(350.1); }, "intake.weight_kg",
                   "must be between 25 and 350 (kilograms)"},
        IntakeCase{"WeightNegativeInfinity", [](Intake& i) { i.set_weight_kg(-kInfinity); },
                   "intake.weight_kg", "must be a finite number"},
        // dxa
        IntakeCase{"DxaScanDateMissing", [](Intake& i) { i.mutable_dxa()->clear_scan_date(); },
                   "intake.dxa.scan_date", "required"},
        IntakeCase{"DxaScanDateMalformed",
                   [](Intake& i) { i.mutable_dxa()->set_scan_date("15/09/2026"); },
                   "intake.dxa.scan_date", "not a date: want YYYY-MM-DD"},
        IntakeCase{"DxaScanAfterAssessment",
                   [](Intake& i) { i.mutable_dxa()->set_scan_date("2026-11-02"); },
                   "intake.dxa.scan_date", "must not be after the assessment date 2026-11-01"},
        IntakeCase{"DxaScanBeforeBirth",
                   [](Intake& i) { i.mutable_dxa()->set_scan_date("1950-01-01"); },
                   "intake.dxa.scan_date", "before the person was born (age 70 at 2026-11-01)"},
        IntakeCase{"DxaWithoutSites", [](Intake& i) { i.mutable_dxa()->clear_sites(); },
                   "intake.dxa.sites", "at least one site is required"},
        IntakeCase{"DxaFiveSites", [](Intake& i) { AddSite(i, v1::SKELETAL_SITE_TOTAL_HIP, -1.0); },
                   "intake.dxa.sites", "at most 4 sites (got 5)"},
        IntakeCase{"DxaSiteMissing",
                   [](Intake& i) { i.mutable_dxa()->mutable_sites(1)->clear_site(); },
                   "intake.dxa.sites[1].site", "required"},
        IntakeCase{"DxaSiteUnknownValue",
                   [](Intake& i) {
                     i.mutable_dxa()->mutable_sites(1)->set_site(static_cast<v1::SkeletalSite>(99));
                   },
                   "intake.dxa.sites[1].site", "not a known value (99)"},
        IntakeCase{"DxaSiteTwice",
                   [](Intake& i) {
                     i.mutable_dxa()->mutable_sites(2)->set_site(v1::SKELETAL_SITE_LUMBAR_SPINE);
                   },
                   "intake.dxa.sites[2].site", "site given twice (also at sites[0])"},
        IntakeCase{"DxaSiteWithoutScore",
                   [](Intake& i) { i.mutable_dxa()->mutable_sites(2)->clear_t_score(); },
                   "intake.dxa.sites[2]", "needs a t_score or a z_score"},
        IntakeCase{"DxaTScore40",
                   [](Intake& i) { i.mutable_dxa()->mutable_sites(1)->set_t_score(40); },
                   "intake.dxa.sites[1].t_score", "must be between -8.0 and 8.0"},
        IntakeCase{"DxaTScoreBelowMinus8",
                   [](Intake& i) { i.mutable_dxa()->mutable_sites(0)->set_t_score(-8.1); },
                   "intake.dxa.sites[0].t_score", "must be between -8.0 and 8.0"},
        IntakeCase{"DxaZScoreNaN",
                   [](Intake& i) { i.mutable_dxa()->mutable_sites(3)->set_z_score(kNaN); },
                   "intake.dxa.sites[3].z_score", "must be a finite number"},
        IntakeCase{"DxaZScoreAbove8",
                   [](Intake& i) { i.mutable_dxa()->mutable_sites(0)->set_z_score(8.01); },
                   "intake.dxa.sites[0].z_score", "must be between -8.0 and 8.0"},
        // fractures
        IntakeCase{"TwentyOneFractures",
                   [](Intake& i) {
                     while (i.fractures_size() < 21) {
                       AddFracture(i, v1::FRACTURE_SITE_RIB, "2020-06-01");
                     }
                   },
                   "intake.fractures", "at most 20 fractures (got 21)"},
        IntakeCase{"FractureSiteMissing", [](Intake& i) { i.mutable_fractures(1)->clear_site(); },
                   "intake.fractures[1].site", "required"},
        IntakeCase{
            "FractureSiteUnknownValue",
            [](Intake& i) { i.mutable_fractures(0)->set_site(static_cast<v1::FractureSite>(99)); },
            "intake.fractures[0].site", "not a known value (99)"},
        IntakeCase{"FractureDateMissing", [](Intake& i) { i.mutable_fractures(0)->clear_date(); },
                   "intake.fractures[0].date", "required"},
        IntakeCase{"FractureDateMonthOnly",
                   [](Intake& i) { i.mutable_fractures(0)->set_date("2019-01"); },
                   "intake.fractures[0].date", "not a date: want YYYY-MM-DD"},
        IntakeCase{"FractureAfterAssessment",
                   [](Intake& i) { i.mutable_fractures(1)->set_date("2026-11-02"); },
                   "intake.fractures[1].date", "must not be after the assessment date 2026-11-01"},
        IntakeCase{"FractureTheDayBeforeTheEarliestBirthday",
                   [](Intake& i) { i.mutable_fractures(0)->set_date(Day(kEarliestBirth - 1)); },
                   "intake.fractures[0].date", "before the person was born (age 70 at 2026-11-01)"},
        IntakeCase{"FractureBeforeBirthOnFeb29Assessment",
                   [](Intake& i) {
                     // Age 70 on 2024-02-29: born 1953-03-01 at the earliest.
                     i.set_assessment_date("2024-02-29");
                     i.mutable_dxa()->set_scan_date("2024-01-10");
                     i.mutable_fractures(1)->set_date("2023-03-12");
                     i.mutable_recent_history()->set_last_surgery_date("2023-05-20");
                     i.mutable_fractures(0)->set_date("1953-02-28");
                   },
                   "intake.fractures[0].date", "before the person was born (age 70 at 2024-02-29)"},
        // falls
        IntakeCase{"FallsNegative",
                   [](Intake& i) {
                     i.mutable_falls()->set_count_last_12_months(-1);
                     i.mutable_falls()->set_any_needed_medical_attention(false);
                   },
                   "intake.falls.count_last_12_months", "must be between 0 and 365 (falls)"},
        IntakeCase{"Falls366", [](Intake& i) { i.mutable_falls()->set_count_last_12_months(366); },
                   "intake.falls.count_last_12_months", "must be between 0 and 365"},
        IntakeCase{"MedicalAttentionWithoutAFall",
                   [](Intake& i) { i.mutable_falls()->set_count_last_12_months(0); },
                   "intake.falls.any_needed_medical_attention",
                   "requires count_last_12_months of at least 1"},
        // functional_tests
        IntakeCase{
            "TimedUpAndGoBelow3",
            [](Intake& i) { i.mutable_functional_tests()->set_timed_up_and_go_seconds(2.9); },
            "intake.functional_tests.timed_up_and_go_seconds",
            "must be between 3.0 and 300.0 (seconds)"},
        IntakeCase{
            "TimedUpAndGoAbove300",
            [](Intake& i) { i.mutable_functional_tests()->set_timed_up_and_go_seconds(300.1); },
            "intake.functional_tests.timed_up_and_go_seconds", "must be between 3.0 and 300.0"},
        IntakeCase{
            "TimedUpAndGoNaN",
            [](Intake& i) { i.mutable_functional_tests()->set_timed_up_and_go_seconds(kNaN); },
            "intake.functional_tests.timed_up_and_go_seconds", "must be a finite number"},
        IntakeCase{"TandemStanceNegative",
                   [](Intake& i) { i.mutable_functional_tests()->set_tandem_stance_seconds(-0.1); },
                   "intake.functional_tests.tandem_stance_seconds",
                   "must be between 0.0 and 300.0 (seconds)"},
        IntakeCase{
            "TandemStanceAbove300",
            [](Intake& i) { i.mutable_functional_tests()->set_tandem_stance_seconds(300.5); },
            "intake.functional_tests.tandem_stance_seconds", "must be between 0.0 and 300.0"},
        IntakeCase{"ChairStandsNegative",
                   [](Intake& i) { i.mutable_functional_tests()->set_chair_stands_30_seconds(-1); },
                   "intake.functional_tests.chair_stands_30_seconds",
                   "must be between 0 and 60 (stands)"},
        IntakeCase{"ChairStands61",
                   [](Intake& i) { i.mutable_functional_tests()->set_chair_stands_30_seconds(61); },
                   "intake.functional_tests.chair_stands_30_seconds", "must be between 0 and 60"},
        // current_activity
        IntakeCase{"ActivityEightDays",
                   [](Intake& i) { i.mutable_current_activity()->set_days_per_week(8); },
                   "intake.current_activity.days_per_week", "must be between 0 and 7 (days)"},
        IntakeCase{"ActivityNegativeDays",
                   [](Intake& i) { i.mutable_current_activity()->set_days_per_week(-1); },
                   "intake.current_activity.days_per_week", "must be between 0 and 7"},
        IntakeCase{"Activity601Minutes",
                   [](Intake& i) { i.mutable_current_activity()->set_minutes_per_day(601); },
                   "intake.current_activity.minutes_per_day",
                   "must be between 0 and 600 (minutes)"},
        IntakeCase{"ActivityMinutesWithoutDays",
                   [](Intake& i) { i.mutable_current_activity()->set_days_per_week(0); },
                   "intake.current_activity.minutes_per_day", "must be 0 when days_per_week is 0"},
        // regular_activities
        IntakeCase{"RegularActivityNeitherExerciseNorName",
                   [](Intake& i) { i.mutable_regular_activities(0)->clear_activity(); },
                   "intake.regular_activities[0]", "required: an exercise or an other_name"},
        IntakeCase{"RegularActivityExerciseNotAName",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_exercise("running"); },
                   "intake.regular_activities[0].exercise", "want \"exercises/{id}\""},
        IntakeCase{"RegularActivityExerciseEmpty",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_exercise(""); },
                   "intake.regular_activities[0].exercise", "want \"exercises/{id}\""},
        IntakeCase{"RegularActivityOtherNameEmpty",
                   [](Intake& i) { i.mutable_regular_activities(1)->set_other_name(""); },
                   "intake.regular_activities[1].other_name", "required"},
        IntakeCase{"RegularActivityOtherNameTooLong",
                   [](Intake& i) { i.mutable_regular_activities(1)->set_other_name(std::string(81, 'x')); },
                   "intake.regular_activities[1].other_name", "at most 80 bytes"},
        IntakeCase{"RegularActivityOtherNameWithALineBreak",
                   [](Intake& i) { i.mutable_regular_activities(1)->set_other_name("bowls\nand darts"); },
                   "intake.regular_activities[1].other_name", "must not hold control characters"},
        IntakeCase{"RegularActivityNoSessions",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_sessions_per_week(0); },
                   "intake.regular_activities[0].sessions_per_week",
                   "must be between 1 and 21 (sessions a week)"},
        IntakeCase{"RegularActivity22Sessions",
                   [](Intake& i) { i.mutable_regular_activities(1)->set_sessions_per_week(22); },
                   "intake.regular_activities[1].sessions_per_week", "must be between 1 and 21"},
        IntakeCase{"RegularActivityNegativeMonths",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_months_done(-1); },
                   "intake.regular_activities[0].months_done", "must be between 0 and 1200 (months)"},
        IntakeCase{"RegularActivityLongerThanTheirLife",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_months_done(70 * 12 + 1); },
                   "intake.regular_activities[0].months_done",
                   "more than the person's age (70 years) in months"},
        IntakeCase{"RegularActivityFallWithoutAFallCounted",
                   [](Intake& i) {
                     i.mutable_falls()->set_count_last_12_months(0);
                     i.mutable_falls()->set_any_needed_medical_attention(false);
                     i.mutable_regular_activities(0)->set_fell_doing_it(true);
                   },
                   "intake.regular_activities[0].fell_doing_it",
                   "such a fall counts in falls.count_last_12_months, which is 0"},
        IntakeCase{"RegularActivitySameExerciseTwice",
                   [](Intake& i) {
                     *i.add_regular_activities() = i.regular_activities(0);
                   },
                   "intake.regular_activities[2].exercise", "given twice (also at regular_activities[0])"},
        IntakeCase{"RegularActivitiesMoreThanTwenty",
                   [](Intake& i) {
                     while (i.regular_activities_size() < 21) {
                       AddRegularActivity(i, "activity " + std::to_string(i.regular_activities_size()));
                     }
                   },
                   "intake.regular_activities", "at most 20 activities (got 21)"},
        // symptoms
        IntakeCase{"HeightLossNegative",
                   [](Intake& i) { i.mutable_symptoms()->set_height_loss_cm(-0.1); },
                   "intake.symptoms.height_loss_cm", "must be between 0.0 and 30.0 (centimetres)"},
        IntakeCase{"HeightLossAbove30",
                   [](Intake& i) { i.mutable_symptoms()->set_height_loss_cm(30.1); },
                   "intake.symptoms.height_loss_cm", "must be between 0.0 and 30.0"},
        IntakeCase{"HeightLossNaN",
                   [](Intake& i) { i.mutable_symptoms()->set_height_loss_cm(kNaN); },
                   "intake.symptoms.height_loss_cm", "must be a finite number"},
        // recent_history
        IntakeCase{
            "SurgeryDateMalformed",
            [](Intake& i) { i.mutable_recent_history()->set_last_surgery_date("yesterday"); },
            "intake.recent_history.last_surgery_date", "not a date: want YYYY-MM-DD"},
        IntakeCase{
            "SurgeryAfterAssessment",
            [](Intake& i) { i.mutable_recent_history()->set_last_surgery_date("2027-01-01"); },
            "intake.recent_history.last_surgery_date",
            "must not be after the assessment date 2026-11-01"},
        IntakeCase{
            "SurgeryBeforeBirth",
            [](Intake& i) { i.mutable_recent_history()->set_last_surgery_date("1955-11-01"); },
            "intake.recent_history.last_surgery_date", "before the person was born"}),
    CaseName);

// --- Boundary values that are still valid ----------------------------------

class IntakeValidationAccepts : public ::testing::TestWithParam<IntakeCase> {};

TEST_P(IntakeValidationAccepts, TheBoundary) {
  Intake intake = FullIntake();
  GetParam().change(intake);
  const absl::Status status = Validate(intake);
  EXPECT_TRUE(status.ok()) << status;
}

INSTANTIATE_TEST_SUITE_P(
    IntakeValidation, IntakeValidationAccepts,
    ::testing::Values(
        IntakeCase{"PatientIdOneCharacter", [](Intake& i) { i.set_patient_id("x"); }, "", ""},
        IntakeCase{"PatientId64AllowedCharacters",
                   [](Intake& i) { i.set_patient_id("Az09._-" + std::string(57, 'q')); }, "", ""},
        IntakeCase{"AssessmentToday", [](Intake&) {}, "", ""},
        IntakeCase{"Age18", [](Intake& i) { i.set_age_years(18); }, "", ""},
        IntakeCase{"Age120", [](Intake& i) { i.set_age_years(120); }, "", ""},
        IntakeCase{"Height100", [](Intake& i) { i.set_height_cm(100); }, "", ""},
        IntakeCase{"Height250", [](Intake& i) { i.set_height_cm(250); }, "", ""},
        IntakeCase{"Weight25", [](Intake& i) { i.set_weight_kg(25); }, "", ""},
        IntakeCase{"Weight350", [](Intake& i) { i.set_weight_kg(350); }, "", ""},
        IntakeCase{"ManWithoutMenopausalStatus",
                   [](Intake& i) {
                     i.set_sex(v1::SEX_MALE);
                     i.clear_menopausal_status();
                   },
                   "", ""},
        IntakeCase{"NoDxa", [](Intake& i) { i.clear_dxa(); }, "", ""},
        IntakeCase{"DxaOnlyZScores",
                   [](Intake& i) {
                     for (v1::DxaSiteResult& site : *i.mutable_dxa()->mutable_sites()) {
                       site.clear_t_score();
                       site.set_z_score(-1.0);
                     }
                   },
                   "", ""},
        IntakeCase{"DxaScoresAtTheBounds",
                   [](Intake& i) {
                     i.mutable_dxa()->mutable_sites(0)->set_t_score(-8.0);
                     i.mutable_dxa()->mutable_sites(0)->set_z_score(8.0);
                   },
                   "", ""},
        IntakeCase{"DxaScanOnTheAssessmentDay",
                   [](Intake& i) { i.mutable_dxa()->set_scan_date(kAssessmentDate); }, "", ""},
        IntakeCase{"FractureExactly12WeeksOld",
                   [](Intake& i) { i.mutable_fractures(1)->set_date(Day(kToday - 12 * 7)); }, "",
                   ""},
        IntakeCase{"FractureOnTheAssessmentDay",
                   [](Intake& i) { i.mutable_fractures(1)->set_date(kAssessmentDate); }, "", ""},
        IntakeCase{"FractureOnTheEarliestPossibleBirthday",
                   [](Intake& i) { i.mutable_fractures(0)->set_date(Day(kEarliestBirth)); }, "",
                   ""},
        IntakeCase{"FractureOnTheEarliestBirthdayForAFeb29Assessment",
                   [](Intake& i) {
                     i.set_assessment_date("2024-02-29");
                     i.mutable_dxa()->set_scan_date("2024-01-10");
                     i.mutable_fractures(1)->set_date("2023-03-12");
                     i.mutable_recent_history()->set_last_surgery_date("2023-05-20");
                     i.mutable_fractures(0)->set_date("1953-03-01");
                   },
                   "", ""},
        IntakeCase{"TwentyFractures",
                   [](Intake& i) {
                     while (i.fractures_size() < 20) {
                       AddFracture(i, v1::FRACTURE_SITE_OTHER, "2020-06-01");
                     }
                   },
                   "", ""},
        IntakeCase{"NoFalls", [](Intake& i) { i.clear_falls(); }, "", ""},
        IntakeCase{"OneFallNeedingAttention",
                   [](Intake& i) { i.mutable_falls()->set_count_last_12_months(1); }, "", ""},
        IntakeCase{"365Falls", [](Intake& i) { i.mutable_falls()->set_count_last_12_months(365); },
                   "", ""},
        IntakeCase{"FunctionalTestsAtTheLowerBounds",
                   [](Intake& i) {
                     i.mutable_functional_tests()->set_timed_up_and_go_seconds(3.0);
                     i.mutable_functional_tests()->set_tandem_stance_seconds(0.0);
                     i.mutable_functional_tests()->set_chair_stands_30_seconds(0);
                   },
                   "", ""},
        IntakeCase{"FunctionalTestsAtTheUpperBounds",
                   [](Intake& i) {
                     i.mutable_functional_tests()->set_timed_up_and_go_seconds(300.0);
                     i.mutable_functional_tests()->set_tandem_stance_seconds(300.0);
                     i.mutable_functional_tests()->set_chair_stands_30_seconds(60);
                   },
                   "", ""},
        IntakeCase{"NoFunctionalTests", [](Intake& i) { i.clear_functional_tests(); }, "", ""},
        IntakeCase{"NoActivity",
                   [](Intake& i) {
                     i.mutable_current_activity()->set_days_per_week(0);
                     i.mutable_current_activity()->set_minutes_per_day(0);
                   },
                   "", ""},
        IntakeCase{"MostActivity",
                   [](Intake& i) {
                     i.mutable_current_activity()->set_days_per_week(7);
                     i.mutable_current_activity()->set_minutes_per_day(600);
                   },
                   "", ""},
        IntakeCase{"HeightLossZero",
                   [](Intake& i) { i.mutable_symptoms()->set_height_loss_cm(0.0); }, "", ""},
        IntakeCase{"HeightLoss30",
                   [](Intake& i) { i.mutable_symptoms()->set_height_loss_cm(30.0); }, "", ""},
        IntakeCase{"NoSurgery",
                   [](Intake& i) { i.mutable_recent_history()->clear_last_surgery_date(); }, "",
                   ""},
        IntakeCase{"NoRegularActivities", [](Intake& i) { i.clear_regular_activities(); }, "", ""},
        IntakeCase{"RegularActivity21Sessions",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_sessions_per_week(21); }, "", ""},
        IntakeCase{"RegularActivityJustStarted",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_months_done(0); }, "", ""},
        IntakeCase{"RegularActivityAllTheirLife",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_months_done(70 * 12); }, "", ""},
        IntakeCase{"RegularActivityFallCounted",
                   [](Intake& i) { i.mutable_regular_activities(0)->set_fell_doing_it(true); }, "", ""},
        IntakeCase{"RegularActivityOtherName80Bytes",
                   [](Intake& i) { i.mutable_regular_activities(1)->set_other_name(std::string(80, 'x')); },
                   "", ""},
        IntakeCase{"RegularActivityOtherNameInAnyScript",
                   [](Intake& i) { i.mutable_regular_activities(1)->set_other_name("Gymnastique douce \u00e0 deux"); },
                   "", ""},
        IntakeCase{"TwentyRegularActivities",
                   [](Intake& i) {
                     while (i.regular_activities_size() < 20) {
                       AddRegularActivity(i, "activity " + std::to_string(i.regular_activities_size()));
                     }
                   },
                   "", ""}),
    CaseName);

// --- Several problems at once ----------------------------------------------

TEST(IntakeValidation, ReportsEveryProblemInOneStatus) {
  Intake intake = FullIntake();
  intake.set_patient_id("not an id!");
  intake.set_age_years(17);
  intake.set_sex(static_cast<v1::Sex>(99));
  intake.set_height_cm(kNaN);
  intake.set_weight_kg(400);
  intake.mutable_dxa()->mutable_sites(1)->set_t_score(40);
  intake.mutable_dxa()->mutable_sites(2)->set_site(v1::SKELETAL_SITE_LUMBAR_SPINE);
  intake.mutable_fractures(0)->set_date("2026-13-01");
  intake.mutable_fractures(1)->set_site(v1::FRACTURE_SITE_UNSPECIFIED);
  intake.mutable_falls()->set_count_last_12_months(0);
  intake.mutable_functional_tests()->set_timed_up_and_go_seconds(1.0);
  intake.mutable_current_activity()->set_days_per_week(0);
  intake.mutable_symptoms()->set_height_loss_cm(-2.0);
  intake.mutable_recent_history()->set_last_surgery_date("2030-01-01");

  const absl::Status status = Validate(intake);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  const std::vector<std::string> fields = {
      "intake.patient_id: ",
      "intake.age_years: ",
      "intake.sex: ",
      "intake.height_cm: ",
      "intake.weight_kg: ",
      "intake.dxa.sites[1].t_score: ",
      "intake.dxa.sites[2].site: ",
      "intake.fractures[0].date: ",
      "intake.fractures[1].site: ",
      "intake.falls.any_needed_medical_attention: ",
      "intake.functional_tests.timed_up_and_go_seconds: ",
      "intake.current_activity.minutes_per_day: ",
      "intake.symptoms.height_loss_cm: ",
      "intake.recent_history.last_surgery_date: ",
  };
  for (const std::string& field : fields) EXPECT_THAT(message, HasSubstr(field));
  // Exactly these, each listed (none only counted as "and N more").
  size_t separators = 0;
  for (size_t at = message.find("; "); at != std::string::npos; at = message.find("; ", at + 1)) {
    ++separators;
  }
  EXPECT_EQ(separators + 1, fields.size()) << message;
}

// --- Checks that depend on other fields -----------------------------------

TEST(IntakeValidation, DateChecksNeedingTheAssessmentDateAreSkippedWhenItIsInvalid) {
  Intake intake = FullIntake();
  intake.set_assessment_date("2026-11-31");
  intake.mutable_fractures(0)->set_date("2026-12-01");  // after any sensible assessment
  intake.mutable_fractures(1)->set_date("1800-01-01");  // still a problem of its own
  const absl::Status status = Validate(intake);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("intake.assessment_date: not a date"));
  EXPECT_THAT(message, HasSubstr("intake.fractures[1].date: must be in 1900 or later"));
  EXPECT_THAT(message, Not(HasSubstr("intake.fractures[0]")));
  EXPECT_THAT(message, Not(HasSubstr("assessment date")));
  EXPECT_THAT(message, Not(HasSubstr("born")));
}

TEST(IntakeValidation, BirthChecksAreSkippedWhenTheAgeIsInvalid) {
  Intake intake = FullIntake();
  intake.set_age_years(150);
  intake.mutable_fractures(0)->set_date("1900-01-01");
  const absl::Status status = Validate(intake);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("intake.age_years: "));
  EXPECT_THAT(message, Not(HasSubstr("born")));
}

TEST(IntakeValidation, FutureAssessmentDateStillBoundsOtherDates) {
  Intake intake = FullIntake();
  intake.set_assessment_date("2026-12-01");
  intake.mutable_fractures(0)->set_date("2026-12-02");
  const absl::Status status = Validate(intake);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("intake.assessment_date: must not be in the future"));
  EXPECT_THAT(
      message,
      HasSubstr("intake.fractures[0].date: must not be after the assessment date 2026-12-01"));
}

TEST(IntakeValidation, OnlyTheFirstTwentyFracturesAreChecked) {
  Intake intake = FullIntake();
  while (intake.fractures_size() < 25) AddFracture(intake, v1::FRACTURE_SITE_RIB, "2020-06-01");
  intake.mutable_fractures(24)->clear_site();
  const absl::Status status = Validate(intake);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "intake.fractures: at most 20 fractures (got 25)");
}

// An age out of range is reported once, on its own field; the months an
// activity was done are not compared with it (found by fuzzing: a huge age
// overflowed the months it stands for).
TEST(IntakeValidation, MonthsDoneAreNotJudgedAgainstAnInvalidAge) {
  Intake intake = FullIntake();
  intake.set_age_years(1073741738);
  intake.mutable_regular_activities(0)->set_months_done(1200);
  const absl::Status status = Validate(intake);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("intake.age_years: "));
  EXPECT_THAT(message, Not(HasSubstr("months_done")));
}

TEST(IntakeValidation, MenopausalStatusIsNotJudgedWithoutAKnownSex) {
  Intake intake = FullIntake();
  intake.clear_sex();
  const absl::Status status = Validate(intake);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "intake.sex: required");
}

TEST(IntakeValidation, PathsFollowTheGivenParent) {
  Intake intake = ValidIntake();
  intake.set_age_years(17);
  EXPECT_EQ(ValidateIntake(intake, kToday, "request.intake").message(),
            "request.intake.age_years: must be between 18 and 120 (years)");
  EXPECT_EQ(ValidateIntake(intake, kToday, "").message(),
            "age_years: must be between 18 and 120 (years)");
}

// --- ParseIsoDate and IsOpaqueId -------------------------------------------

TEST(IntakeValidationParseIsoDate, ReadsRealDays) {
  absl::CivilDay day;
  ASSERT_TRUE(ParseIsoDate("2026-11-01", &day));
  EXPECT_EQ(day, absl::CivilDay(2026, 11, 1));
  ASSERT_TRUE(ParseIsoDate("2024-02-29", &day));
  EXPECT_EQ(day, absl::CivilDay(2024, 2, 29));
  ASSERT_TRUE(ParseIsoDate("2000-02-29", &day));
  ASSERT_TRUE(ParseIsoDate("1999-12-31", &day));
  EXPECT_EQ(day, absl::CivilDay(1999, 12, 31));
}

TEST(IntakeValidationParseIsoDate, RefusesAnythingElse) {
  for (const char* text :
       {"", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "2026-01-01T00:00", " 2026-01-01",
        "2026-01-01 ", "2026-00-10", "2026-13-01", "2026-01-00", "2026-04-31", "2023-02-29",
        "1900-02-29", "+026-01-01", "2026-+1-01", "2026--1-01", "abcd-ef-gh",
        "\xef\xbc\x92"
        "026-01-01"}) {  // a full-width digit 2
    absl::CivilDay day(1999, 1, 1);
    EXPECT_FALSE(ParseIsoDate(text, &day)) << text;
    EXPECT_EQ(day, absl::CivilDay(1999, 1, 1)) << "left unchanged on failure: " << text;
  }
}

TEST(IntakeValidationIsOpaqueId, AcceptsTheAllowedAlphabet) {
  EXPECT_TRUE(IsOpaqueId("a"));
  EXPECT_TRUE(IsOpaqueId("Patient_07.b-2"));
  EXPECT_TRUE(IsOpaqueId(std::string(64, 'Z')));
}

TEST(IntakeValidationIsOpaqueId, RefusesOtherIds) {
  EXPECT_FALSE(IsOpaqueId(""));
  EXPECT_FALSE(IsOpaqueId(std::string(65, 'Z')));
  for (const char* id : {"a b", "a/b", "a@b", "a+b", "\xc3\xa4", "a\nb", "a:b"}) {
    EXPECT_FALSE(IsOpaqueId(id)) << id;
  }
  EXPECT_FALSE(IsOpaqueId(absl::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace osteoflow::screening

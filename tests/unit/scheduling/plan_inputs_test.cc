// Request validation, canonical inputs, catalog checks and plan ids.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "libs/catalog/catalog_file.h"
#include "services/scheduling/domain/plan_inputs.h"
#include "tests/support/restrictions.h"
#include "tests/support/test_catalog.h"

namespace osteoflow::scheduling {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
namespace common = osteoflow::common::v1;
namespace screening_v1 = osteoflow::screening::v1;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr char kCatalogDigest[] = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
constexpr char kPlanRulesVersion[] = "2026.11.1+58e41985e1ec";

screening_v1::ScreeningResult LowBoneResult() {
  screening_v1::ScreeningResult result;
  result.set_outcome(screening_v1::OUTCOME_PROCEED);
  *result.mutable_restrictions() =
      testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  result.set_rule_set_version("2026.11.2+0123456789ab");
  return result;
}

// A valid request with every list filled, the screening given inline.
v1::BuildWeeklyPlanRequest ValidRequest() {
  v1::BuildWeeklyPlanRequest request;
  *request.mutable_screening_result() = LowBoneResult();
  request.set_patient_id("p-0001");
  v1::Preferences* preferences = request.mutable_preferences();
  for (const v1::Weekday day : {v1::WEEKDAY_FRIDAY, v1::WEEKDAY_MONDAY, v1::WEEKDAY_WEDNESDAY}) {
    preferences->add_available_days(day);
  }
  preferences->set_minutes_per_day(45);
  preferences->add_equipment(common::EQUIPMENT_RESISTANCE_BAND);
  preferences->add_equipment(common::EQUIPMENT_CHAIR);
  preferences->add_enjoyed_exercises("exercises/tai-chi");
  preferences->add_enjoyed_exercises("exercises/brisk-walking");
  preferences->add_disliked_exercises("exercises/lunge");
  request.set_week_start_date("2026-11-02");
  request.set_week_index(3);
  v1::ExerciseProgression* squat = request.add_progression();
  squat->set_exercise("exercises/bodyweight-squat");
  squat->set_sets(2);
  squat->set_reps(10);
  v1::ExerciseProgression* band = request.add_progression();
  band->set_exercise("exercises/band-deadlift");
  band->set_load_kg(0);
  band->set_band_level(common::BAND_LEVEL_MEDIUM);
  band->set_sets(3);
  band->set_reps(8);
  v1::ExerciseProgression* stamps = request.add_progression();
  stamps->set_exercise("exercises/stamps");
  stamps->set_impacts(30);
  return request;
}

std::string Violations(const v1::BuildWeeklyPlanRequest& request) {
  const absl::Status status = ValidateBuildRequest(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return std::string(status.message());
}

// --- ValidateBuildRequest -------------------------------------------------------

TEST(ValidateBuildRequest, AcceptsAValidRequestGivenInlineOrByName) {
  EXPECT_TRUE(ValidateBuildRequest(ValidRequest()).ok()) << ValidateBuildRequest(ValidRequest());
  v1::BuildWeeklyPlanRequest named = ValidRequest();
  named.set_screening("patients/p-0001/screenings/s-42");
  EXPECT_TRUE(ValidateBuildRequest(named).ok()) << ValidateBuildRequest(named);
  named.clear_patient_id();  // taken from the name
  EXPECT_TRUE(ValidateBuildRequest(named).ok()) << ValidateBuildRequest(named);
}

TEST(ValidateBuildRequest, AcceptsTheBoundaries) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  request.mutable_preferences()->set_minutes_per_day(10);
  request.set_week_index(1);
  request.set_week_start_date("2000-01-01");
  EXPECT_TRUE(ValidateBuildRequest(request).ok()) << ValidateBuildRequest(request);
  request.mutable_preferences()->set_minutes_per_day(240);
  request.set_week_index(520);
  request.set_week_start_date("2100-12-31");
  request.mutable_preferences()->clear_available_days();
  for (int day = 1; day <= 7; ++day) {
    request.mutable_preferences()->add_available_days(static_cast<v1::Weekday>(day));
  }
  request.mutable_preferences()->clear_equipment();  // none at all is fine
  request.mutable_progression(0)->set_load_kg(500);
  EXPECT_TRUE(ValidateBuildRequest(request).ok()) << ValidateBuildRequest(request);
}

TEST(ValidateBuildRequest, AReferredScreeningNeedsNoRestrictions) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  request.mutable_screening_result()->set_outcome(screening_v1::OUTCOME_REFER);
  request.mutable_screening_result()->clear_restrictions();
  EXPECT_TRUE(ValidateBuildRequest(request).ok()) << ValidateBuildRequest(request);
}

struct BadField {
  const char* what;
  std::function<void(v1::BuildWeeklyPlanRequest&)> change;
  const char* field;  // must appear in the message
};

TEST(ValidateBuildRequest, NamesEachBadField) {
  const BadField cases[] = {
      {"no screening", [](auto& r) { r.clear_screening_result(); }, "screening: required"},
      {"malformed screening name",
       [](auto& r) { r.set_screening("patients/p-0001/screening/s-1"); }, "screening: want"},
      {"screening name with a bad id",
       [](auto& r) { r.set_screening("patients/p 1/screenings/s-1"); }, "screening: want"},
      {"patient not the screening's",
       [](auto& r) {
         r.set_screening("patients/p-0002/screenings/s-1");
         r.set_patient_id("p-0001");
       },
       "patient_id: does not match"},
      {"inline screening without patient", [](auto& r) { r.clear_patient_id(); },
       "patient_id: required with screening_result"},
      {"patient id with a space", [](auto& r) { r.set_patient_id("p 0001"); }, "patient_id: must be"},
      {"patient id too long", [](auto& r) { r.set_patient_id(std::string(65, 'a')); },
       "patient_id: must be"},
      {"outcome unspecified",
       [](auto& r) { r.mutable_screening_result()->set_outcome(screening_v1::OUTCOME_UNSPECIFIED); },
       "screening_result.outcome"},
      {"outcome unknown",
       [](auto& r) { r.mutable_screening_result()->set_outcome(static_cast<screening_v1::Outcome>(99)); },
       "screening_result.outcome"},
      {"no rule-set version", [](auto& r) { r.mutable_screening_result()->clear_rule_set_version(); },
       "screening_result.rule_set_version: required"},
      {"no restrictions", [](auto& r) { r.mutable_screening_result()->clear_restrictions(); },
       "screening_result.restrictions: required"},
      {"no impact ceiling",
       [](auto& r) {
         r.mutable_screening_result()->mutable_restrictions()->mutable_impact_ceiling()->set_level(
             common::IMPACT_LEVEL_UNSPECIFIED);
       },
       "screening_result.restrictions.impact_ceiling.level"},
      {"ceiling without its rule",
       [](auto& r) {
         r.mutable_screening_result()->mutable_restrictions()->mutable_impact_ceiling()->clear_rules();
       },
       "screening_result.restrictions.impact_ceiling.rules"},
      {"unknown excluded tag",
       [](auto& r) {
         r.mutable_screening_result()->mutable_restrictions()->mutable_excluded_tags(0)->set_tag(
             static_cast<common::SafetyTag>(55));
       },
       "screening_result.restrictions.excluded_tags[0].tag"},
      {"load cap above 100",
       [](auto& r) {
         r.mutable_screening_result()->mutable_restrictions()->mutable_load_cap()->set_max_percent_one_rep_max(101);
       },
       "screening_result.restrictions.load_cap.max_percent_one_rep_max"},
      {"intensity cap without its rule",
       [](auto& r) {
         r.mutable_screening_result()->mutable_restrictions()->mutable_aerobic_intensity_cap()->set_max_intensity(
             common::INTENSITY_MODERATE);
       },
       "screening_result.restrictions.aerobic_intensity_cap.rules"},
      {"unknown clearance level",
       [](auto& r) {
         r.mutable_screening_result()->mutable_clearance()->set_level(static_cast<screening_v1::ClearanceLevel>(99));
       },
       "screening_result.clearance.level: unknown"},
      {"clearance level below its reason's",
       [](auto& r) {
         screening_v1::Clearance* clearance = r.mutable_screening_result()->mutable_clearance();
         clearance->set_level(screening_v1::CLEARANCE_LEVEL_NOT_NEEDED);
         screening_v1::ClearanceReason* reason = clearance->add_reasons();
         reason->mutable_rule()->set_rule_id("CLR-AGE40");
         reason->set_level(screening_v1::CLEARANCE_LEVEL_RECOMMENDED);
         reason->set_scope(screening_v1::CLEARANCE_SCOPE_BEFORE_VIGOROUS_INTENSITY);
       },
       "screening_result.clearance.level: must be the highest level its reasons ask for, CLEARANCE_LEVEL_RECOMMENDED"},
      {"a clearance reason asking for none",
       [](auto& r) {
         screening_v1::Clearance* clearance = r.mutable_screening_result()->mutable_clearance();
         clearance->set_level(screening_v1::CLEARANCE_LEVEL_NOT_NEEDED);
         screening_v1::ClearanceReason* reason = clearance->add_reasons();
         reason->mutable_rule()->set_rule_id("CLR-AGE40");
         reason->set_level(screening_v1::CLEARANCE_LEVEL_NOT_NEEDED);
         reason->set_scope(screening_v1::CLEARANCE_SCOPE_BEFORE_STARTING);
       },
       "screening_result.clearance.reasons[0].level"},
      {"a clearance reason of no scope",
       [](auto& r) {
         screening_v1::Clearance* clearance = r.mutable_screening_result()->mutable_clearance();
         clearance->set_level(screening_v1::CLEARANCE_LEVEL_RECOMMENDED);
         screening_v1::ClearanceReason* reason = clearance->add_reasons();
         reason->mutable_rule()->set_rule_id("CLR-AGE40");
         reason->set_level(screening_v1::CLEARANCE_LEVEL_RECOMMENDED);
       },
       "screening_result.clearance.reasons[0].scope"},
      {"proceeding although clearance is required before starting",
       [](auto& r) {
         screening_v1::Clearance* clearance = r.mutable_screening_result()->mutable_clearance();
         clearance->set_level(screening_v1::CLEARANCE_LEVEL_REQUIRED);
         screening_v1::ClearanceReason* reason = clearance->add_reasons();
         reason->mutable_rule()->set_rule_id("CLR-CARDIAC");
         reason->set_level(screening_v1::CLEARANCE_LEVEL_REQUIRED);
         reason->set_scope(screening_v1::CLEARANCE_SCOPE_BEFORE_STARTING);
       },
       "screening_result.outcome: a clearance required before starting"},
      {"waiting for a clearance no reason requires",
       [](auto& r) { r.mutable_screening_result()->set_outcome(screening_v1::OUTCOME_PROCEED_AFTER_CLEARANCE); },
       "screening_result.outcome: PROCEED_AFTER_CLEARANCE needs"},
      {"unknown bone category",
       [](auto& r) {
         r.mutable_screening_result()->mutable_bone_status()->set_category(static_cast<screening_v1::BoneCategory>(42));
       },
       "screening_result.bone_status.category: unknown"},
      {"a T-score that is not a number",
       [](auto& r) { r.mutable_screening_result()->mutable_bone_status()->set_lowest_t_score(kNaN); },
       "screening_result.bone_status.lowest_t_score"},
      {"an infinite Z-score",
       [](auto& r) { r.mutable_screening_result()->mutable_bone_status()->set_lowest_z_score(-kInfinity); },
       "screening_result.bone_status.lowest_z_score"},
      {"a T-score of 40",
       [](auto& r) { r.mutable_screening_result()->mutable_bone_status()->set_lowest_t_score(40); },
       "screening_result.bone_status.lowest_t_score"},
      {"unknown skeletal site",
       [](auto& r) {
         r.mutable_screening_result()->mutable_bone_status()->set_lowest_t_score_site(
             static_cast<screening_v1::SkeletalSite>(77));
       },
       "screening_result.bone_status.lowest_t_score_site"},
      {"a red flag referring nowhere",
       [](auto& r) {
         r.mutable_screening_result()->set_outcome(screening_v1::OUTCOME_REFER);
         screening_v1::RedFlag* flag = r.mutable_screening_result()->add_red_flags();
         flag->mutable_rule()->set_rule_id("RF-CHEST");
         flag->set_refer_to(static_cast<screening_v1::ReferralTarget>(9));
       },
       "screening_result.red_flags[0].refer_to"},
      {"no preferences", [](auto& r) { r.clear_preferences(); }, "preferences: required"},
      {"no days", [](auto& r) { r.mutable_preferences()->clear_available_days(); },
       "preferences.available_days: give 1 to 7"},
      {"eight days",
       [](auto& r) {
         r.mutable_preferences()->clear_available_days();
         for (int day = 1; day <= 7; ++day) r.mutable_preferences()->add_available_days(static_cast<v1::Weekday>(day));
         r.mutable_preferences()->add_available_days(v1::WEEKDAY_MONDAY);
       },
       "preferences.available_days: give 1 to 7"},
      {"unspecified day",
       [](auto& r) { r.mutable_preferences()->set_available_days(0, v1::WEEKDAY_UNSPECIFIED); },
       "preferences.available_days[0]"},
      {"unknown day",
       [](auto& r) { r.mutable_preferences()->set_available_days(1, static_cast<v1::Weekday>(8)); },
       "preferences.available_days[1]"},
      {"repeated day", [](auto& r) { r.mutable_preferences()->set_available_days(2, v1::WEEKDAY_FRIDAY); },
       "preferences.available_days[2]: repeated"},
      {"too few minutes", [](auto& r) { r.mutable_preferences()->set_minutes_per_day(9); },
       "preferences.minutes_per_day: must be 10..240, not 9"},
      {"too many minutes", [](auto& r) { r.mutable_preferences()->set_minutes_per_day(241); },
       "preferences.minutes_per_day: must be 10..240, not 241"},
      {"no minutes", [](auto& r) { r.mutable_preferences()->clear_minutes_per_day(); },
       "preferences.minutes_per_day"},
      {"unspecified equipment",
       [](auto& r) { r.mutable_preferences()->set_equipment(0, common::EQUIPMENT_UNSPECIFIED); },
       "preferences.equipment[0]"},
      {"unknown equipment",
       [](auto& r) { r.mutable_preferences()->set_equipment(1, static_cast<common::Equipment>(99)); },
       "preferences.equipment[1]"},
      {"too much equipment",
       [](auto& r) {
         for (int i = 0; i < 64; ++i) r.mutable_preferences()->add_equipment(common::EQUIPMENT_MAT);
       },
       "preferences.equipment: at most 64"},
      {"enjoyed not a name", [](auto& r) { r.mutable_preferences()->set_enjoyed_exercises(0, "tai-chi"); },
       "preferences.enjoyed_exercises[0]"},
      {"enjoyed empty", [](auto& r) { r.mutable_preferences()->set_enjoyed_exercises(1, ""); },
       "preferences.enjoyed_exercises[1]"},
      {"disliked not a name",
       [](auto& r) { r.mutable_preferences()->set_disliked_exercises(0, "exercises/"); },
       "preferences.disliked_exercises[0]"},
      {"too many enjoyed",
       [](auto& r) {
         for (int i = 0; i < 49; ++i) r.mutable_preferences()->add_enjoyed_exercises(absl::StrCat("exercises/e", i));
       },
       "preferences.enjoyed_exercises: at most 50"},
      {"too many disliked",
       [](auto& r) {
         for (int i = 0; i < 50; ++i) r.mutable_preferences()->add_disliked_exercises(absl::StrCat("exercises/d", i));
       },
       "preferences.disliked_exercises: at most 50"},
      {"enjoyed and disliked",
       [](auto& r) { r.mutable_preferences()->add_disliked_exercises("exercises/brisk-walking"); },
       "preferences.enjoyed_exercises[1]: also listed as disliked"},
      {"no start date", [](auto& r) { r.clear_week_start_date(); }, "week_start_date: required"},
      {"not a date", [](auto& r) { r.set_week_start_date("2026-02-30"); }, "week_start_date: not a date"},
      {"not ISO", [](auto& r) { r.set_week_start_date("2026-11-2"); }, "week_start_date: not a date"},
      {"slashes", [](auto& r) { r.set_week_start_date("02/11/2026"); }, "week_start_date: not a date"},
      {"too early", [](auto& r) { r.set_week_start_date("1999-12-31"); }, "week_start_date: must be in"},
      {"too late", [](auto& r) { r.set_week_start_date("2101-01-01"); }, "week_start_date: must be in"},
      {"week 0", [](auto& r) { r.set_week_index(0); }, "week_index: must be 1..520, not 0"},
      {"week 521", [](auto& r) { r.set_week_index(521); }, "week_index: must be 1..520, not 521"},
      {"negative week", [](auto& r) { r.set_week_index(-1); }, "week_index"},
      {"progression not a name", [](auto& r) { r.mutable_progression(0)->set_exercise("squat"); },
       "progression[0].exercise: want"},
      {"progression repeated",
       [](auto& r) { r.mutable_progression(1)->set_exercise("exercises/bodyweight-squat"); },
       "progression[1].exercise: repeated"},
      {"negative load", [](auto& r) { r.mutable_progression(1)->set_load_kg(-0.5); },
       "progression[1].load_kg"},
      {"huge load", [](auto& r) { r.mutable_progression(1)->set_load_kg(500.5); },
       "progression[1].load_kg"},
      {"NaN load", [](auto& r) { r.mutable_progression(1)->set_load_kg(kNaN); }, "progression[1].load_kg"},
      {"infinite load", [](auto& r) { r.mutable_progression(1)->set_load_kg(kInfinity); },
       "progression[1].load_kg"},
      {"eleven sets", [](auto& r) { r.mutable_progression(0)->set_sets(11); }, "progression[0].sets"},
      {"negative sets", [](auto& r) { r.mutable_progression(0)->set_sets(-1); }, "progression[0].sets"},
      {"101 reps", [](auto& r) { r.mutable_progression(0)->set_reps(101); }, "progression[0].reps"},
      {"sets without reps", [](auto& r) { r.mutable_progression(0)->clear_reps(); },
       "progression[0]: give sets and reps together"},
      {"reps without sets", [](auto& r) { r.mutable_progression(0)->clear_sets(); },
       "progression[0]: give sets and reps together"},
      {"241 minutes", [](auto& r) { r.mutable_progression(2)->set_minutes(241); }, "progression[2].minutes"},
      {"501 impacts", [](auto& r) { r.mutable_progression(2)->set_impacts(501); }, "progression[2].impacts"},
      {"negative impacts", [](auto& r) { r.mutable_progression(2)->set_impacts(-3); },
       "progression[2].impacts"},
      {"nothing recorded", [](auto& r) { r.mutable_progression(2)->clear_impacts(); },
       "progression[2]: give sets and reps, minutes or impacts"},
      {"unknown band level",
       [](auto& r) { r.mutable_progression(1)->set_band_level(static_cast<common::BandLevel>(7)); },
       "progression[1].band_level: unknown band level"},
      {"band level with kilograms",
       [](auto& r) {
         r.mutable_progression(1)->set_band_level(common::BAND_LEVEL_MEDIUM);
         r.mutable_progression(1)->set_load_kg(4);
       },
       "progression[1].band_level: a band has no load in kg"},
      {"negative weeks at a load", [](auto& r) { r.mutable_progression(0)->set_weeks_at_load(-1); },
       "progression[0].weeks_at_load"},
      {"521 weeks at a load", [](auto& r) { r.mutable_progression(0)->set_weeks_at_load(521); },
       "progression[0].weeks_at_load"},
      {"too many progressions",
       [](auto& r) {
         for (int i = 0; i < 198; ++i) {
           v1::ExerciseProgression* p = r.add_progression();
           p->set_exercise(absl::StrCat("exercises/x", i));
           p->set_minutes(10);
         }
       },
       "progression: at most 200"},
  };
  for (const BadField& c : cases) {
    v1::BuildWeeklyPlanRequest request = ValidRequest();
    c.change(request);
    EXPECT_THAT(Violations(request), HasSubstr(c.field)) << c.what;
  }
}

TEST(ValidateBuildRequest, TheNamedScreeningAlsoHasItsFieldsChecked) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  request.set_screening("");
  EXPECT_THAT(Violations(request), HasSubstr("screening: want"));
}

TEST(ValidateBuildRequest, ManyBadFieldsAreNamedInOneAnswer) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  request.clear_patient_id();
  request.mutable_screening_result()->clear_rule_set_version();
  request.mutable_preferences()->set_minutes_per_day(5);
  request.mutable_preferences()->set_available_days(1, v1::WEEKDAY_UNSPECIFIED);
  request.mutable_preferences()->set_equipment(0, common::EQUIPMENT_UNSPECIFIED);
  request.mutable_preferences()->set_enjoyed_exercises(0, "tai-chi");
  request.set_week_start_date("yesterday");
  request.set_week_index(0);
  request.mutable_progression(2)->set_impacts(1000);
  const std::string message = Violations(request);
  for (const char* field :
       {"patient_id", "screening_result.rule_set_version", "preferences.minutes_per_day",
        "preferences.available_days[1]", "preferences.equipment[0]",
        "preferences.enjoyed_exercises[0]", "week_start_date", "week_index",
        "progression[2].impacts"}) {
    EXPECT_THAT(message, HasSubstr(field)) << message;
  }
}

TEST(ValidateBuildRequest, AHostileRequestGetsABoundedAnswer) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  for (int i = 0; i < 60; ++i) {
    v1::ExerciseProgression* p = request.add_progression();
    p->set_exercise(absl::StrCat("exercises/x", i));
    p->set_load_kg(-1);
  }
  const std::string message = Violations(request);
  EXPECT_THAT(message, MatchesRegex(".*; and [0-9]+ more"));
  EXPECT_LT(message.size(), 4000u);
}

TEST(ValidateScreeningResult, PrefixesFieldsWithTheGivenName) {
  screening_v1::ScreeningResult result;
  const absl::Status status = ValidateScreeningResult(result, "screening");
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening.outcome"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening.rule_set_version"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening.restrictions"));
  EXPECT_TRUE(ValidateScreeningResult(LowBoneResult(), "screening").ok());
}

TEST(ValidateScreeningResult, RefusesResultsTheClinicalRulesCannotProduce) {
  // Red flags mean REFER.
  screening_v1::ScreeningResult flagged = LowBoneResult();
  screening_v1::RedFlag* flag = flagged.add_red_flags();
  flag->mutable_rule()->set_rule_id("RF-CHEST");
  flag->set_finding("chest pain");
  absl::Status status = ValidateScreeningResult(flagged, "screening_result");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening_result.outcome"));
  // A fall-risk flag means no impact and balance-challenging cardio excluded.
  screening_v1::ScreeningResult falls = LowBoneResult();
  falls.mutable_fall_risk()->set_flagged(true);
  status = ValidateScreeningResult(falls, "screening_result");
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening_result.restrictions.impact_ceiling.level"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("SAFETY_TAG_BALANCE_CHALLENGE"));
  // SUPERVISED_ONLY without supervision.
  screening_v1::ScreeningResult supervised = LowBoneResult();
  supervised.set_outcome(screening_v1::OUTCOME_SUPERVISED_ONLY);
  status = ValidateScreeningResult(supervised, "screening_result");
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening_result.supervision.required"));
  // An exclusion that cites no rule could not be explained in a plan.
  screening_v1::ScreeningResult uncited = LowBoneResult();
  uncited.mutable_restrictions()->mutable_excluded_tags(0)->clear_rules();
  status = ValidateScreeningResult(uncited, "screening_result");
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening_result.restrictions.excluded_tags[0].rules"));
}

TEST(ValidateScreeningResult, BoundsEveryListAndText) {
  screening_v1::ScreeningResult many = LowBoneResult();
  for (int i = 0; i < 100000; ++i) {
    many.mutable_restrictions()->mutable_impact_ceiling()->add_rules()->set_rule_id(absl::StrCat("R", i));
  }
  absl::Status status = ValidateScreeningResult(many, "screening_result");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("screening_result.restrictions.impact_ceiling.rules: at most 16 entries"));
  screening_v1::ScreeningResult wordy = LowBoneResult();
  wordy.mutable_supervision()->add_reasons()->set_reason(std::string(10000, 'x'));
  status = ValidateScreeningResult(wordy, "screening_result");
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening_result.supervision.reasons[0].reason"));
  screening_v1::ScreeningResult flags = LowBoneResult();
  flags.set_outcome(screening_v1::OUTCOME_REFER);
  for (int i = 0; i < 33; ++i) flags.add_red_flags()->mutable_rule()->set_rule_id("RF-CHEST");
  status = ValidateScreeningResult(flags, "screening_result");
  EXPECT_THAT(std::string(status.message()), HasSubstr("screening_result.red_flags: at most 32 entries"));
}

// --- PatientOf and CanonicalInputs -------------------------------------------------

TEST(PatientOf, ComesFromTheScreeningsNameOrTheRequest) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  EXPECT_EQ(PatientOf(request), "p-0001");
  request.set_screening("patients/p-0777/screenings/s-1");
  request.clear_patient_id();
  EXPECT_EQ(PatientOf(request), "p-0777");
}

TEST(CanonicalInputs, SortsAndDeduplicatesEveryList) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  request.mutable_preferences()->add_equipment(common::EQUIPMENT_CHAIR);  // repeated
  request.mutable_preferences()->add_enjoyed_exercises("exercises/tai-chi");
  const v1::PlanInputs inputs = CanonicalInputs(request, request.screening_result());
  const v1::Preferences& p = inputs.preferences();
  EXPECT_THAT(p.available_days(),
              ::testing::ElementsAre(v1::WEEKDAY_MONDAY, v1::WEEKDAY_WEDNESDAY, v1::WEEKDAY_FRIDAY));
  EXPECT_THAT(p.equipment(),
              ::testing::ElementsAre(common::EQUIPMENT_CHAIR, common::EQUIPMENT_RESISTANCE_BAND));
  EXPECT_THAT(p.enjoyed_exercises(),
              ::testing::ElementsAre("exercises/brisk-walking", "exercises/tai-chi"));
  EXPECT_THAT(p.disliked_exercises(), ::testing::ElementsAre("exercises/lunge"));
  ASSERT_EQ(inputs.progression_size(), 3);
  EXPECT_EQ(inputs.progression(0).exercise(), "exercises/band-deadlift");
  EXPECT_EQ(inputs.progression(1).exercise(), "exercises/bodyweight-squat");
  EXPECT_EQ(inputs.progression(2).exercise(), "exercises/stamps");
  EXPECT_EQ(inputs.progression(1).reps(), 10);
  EXPECT_EQ(inputs.patient_id(), "p-0001");
  EXPECT_EQ(inputs.week_start_date(), "2026-11-02");
  EXPECT_EQ(inputs.week_index(), 3);
  EXPECT_EQ(inputs.preferences().minutes_per_day(), 45);
}

TEST(CanonicalInputs, CarryTheResolvedScreeningResultForANamedScreening) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  request.set_screening("patients/p-0001/screenings/s-9");
  screening_v1::ScreeningResult fetched = LowBoneResult();
  fetched.set_outcome(screening_v1::OUTCOME_SUPERVISED_ONLY);
  const v1::PlanInputs inputs = CanonicalInputs(request, fetched);
  EXPECT_EQ(inputs.screening_result().outcome(), screening_v1::OUTCOME_SUPERVISED_ONLY);
  EXPECT_EQ(inputs.screening_result().SerializeAsString(), fetched.SerializeAsString());
}

template <typename T>
void Shuffle(google::protobuf::RepeatedField<T>* values, std::mt19937& random) {
  std::shuffle(values->begin(), values->end(), random);
}
template <typename T>
void Shuffle(google::protobuf::RepeatedPtrField<T>* values, std::mt19937& random) {
  std::shuffle(values->begin(), values->end(), random);
}

TEST(CanonicalInputs, AreTheSameWhateverTheOrderOfTheLists) {
  const v1::BuildWeeklyPlanRequest original = ValidRequest();
  const v1::PlanInputs expected = CanonicalInputs(original, original.screening_result());
  const std::string expected_bytes = expected.SerializeAsString();
  const std::string expected_id = PlanId(expected, kCatalogDigest, kPlanRulesVersion);
  std::mt19937 random(20261102);
  for (int round = 0; round < 50; ++round) {
    v1::BuildWeeklyPlanRequest request = original;
    v1::Preferences* p = request.mutable_preferences();
    if (round % 2 == 1) {
      // Repeats in the lists that allow them change nothing.
      p->add_equipment(p->equipment(0));
      p->add_enjoyed_exercises(p->enjoyed_exercises(0));
      p->add_disliked_exercises(p->disliked_exercises(0));
    }
    Shuffle(p->mutable_available_days(), random);
    Shuffle(p->mutable_equipment(), random);
    Shuffle(p->mutable_enjoyed_exercises(), random);
    Shuffle(p->mutable_disliked_exercises(), random);
    Shuffle(request.mutable_progression(), random);
    ASSERT_TRUE(ValidateBuildRequest(request).ok()) << ValidateBuildRequest(request);
    const v1::PlanInputs inputs = CanonicalInputs(request, request.screening_result());
    EXPECT_EQ(inputs.SerializeAsString(), expected_bytes) << round;
    EXPECT_EQ(PlanId(inputs, kCatalogDigest, kPlanRulesVersion), expected_id) << round;
  }
}

// --- CheckAgainstCatalog --------------------------------------------------------------

class CatalogCheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = catalog::LoadCatalogFile(testing::ShippedCatalogPath());
    if (loaded.ok()) catalog_ = new std::shared_ptr<const catalog::ExerciseCatalog>(*loaded);
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(catalog_, nullptr) << "the shipped catalog did not load"; }
  static std::shared_ptr<const catalog::ExerciseCatalog>* catalog_;
};
std::shared_ptr<const catalog::ExerciseCatalog>* CatalogCheck::catalog_ = nullptr;

TEST_F(CatalogCheck, ExercisesInTheCatalogPass) {
  const v1::BuildWeeklyPlanRequest request = ValidRequest();
  const v1::PlanInputs inputs = CanonicalInputs(request, request.screening_result());
  EXPECT_TRUE(CheckAgainstCatalog(inputs, **catalog_).ok()) << CheckAgainstCatalog(inputs, **catalog_);
}

v1::BuildWeeklyPlanRequest WithUnknownExercises() {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  // Enjoyed: tai-chi, brisk-walking, moonwalking; disliked: lunge, trampoline.
  request.mutable_preferences()->add_enjoyed_exercises("exercises/moonwalking");
  request.mutable_preferences()->add_disliked_exercises("exercises/trampoline");
  request.mutable_progression(1)->set_exercise("exercises/zumba-pro");
  return request;
}

TEST_F(CatalogCheck, ARequestHasEachUnknownExerciseNamedByItsPlaceInTheRequest) {
  const v1::BuildWeeklyPlanRequest request = WithUnknownExercises();
  ASSERT_TRUE(ValidateBuildRequest(request).ok());
  const absl::Status status = CheckAgainstCatalog(request, **catalog_);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("preferences.enjoyed_exercises[2]: no exercise exercises/moonwalking"));
  EXPECT_THAT(message, HasSubstr("preferences.disliked_exercises[1]: no exercise exercises/trampoline"));
  EXPECT_THAT(message, HasSubstr("progression[1].exercise: no exercise exercises/zumba-pro"));
  EXPECT_THAT(message, HasSubstr((*catalog_)->version()));
  EXPECT_THAT(message, Not(HasSubstr("exercises/tai-chi")));
  EXPECT_THAT(message, Not(HasSubstr("exercises/stamps")));
}

TEST_F(CatalogCheck, CanonicalInputsHaveEachUnknownExerciseNamed) {
  const v1::BuildWeeklyPlanRequest request = WithUnknownExercises();
  const v1::PlanInputs inputs = CanonicalInputs(request, request.screening_result());
  const absl::Status status = CheckAgainstCatalog(inputs, **catalog_);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  const std::string message(status.message());
  EXPECT_THAT(message, MatchesRegex(".*preferences\\.enjoyed_exercises\\[[0-9]+\\]: no exercise exercises/moonwalking.*"));
  EXPECT_THAT(message, MatchesRegex(".*preferences\\.disliked_exercises\\[[0-9]+\\]: no exercise exercises/trampoline.*"));
  EXPECT_THAT(message, MatchesRegex(".*progression\\[[0-9]+\\]\\.exercise: no exercise exercises/zumba-pro.*"));
  EXPECT_THAT(message, Not(HasSubstr("exercises/brisk-walking")));
}

TEST_F(CatalogCheck, MalformedNamesAreLeftToValidation) {
  v1::BuildWeeklyPlanRequest request = ValidRequest();
  request.mutable_preferences()->add_enjoyed_exercises("not-a-name");
  EXPECT_TRUE(CheckAgainstCatalog(request, **catalog_).ok());
}

// --- the canonical bytes the service hashes -------------------------------------------------

TEST(CanonicalInputsWire, IsTheCanonicalInputsSerialised) {
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    v1::BuildWeeklyPlanRequest request = ValidRequest();
    std::shuffle(request.mutable_progression()->begin(), request.mutable_progression()->end(), random);
    std::shuffle(request.mutable_preferences()->mutable_available_days()->begin(),
                 request.mutable_preferences()->mutable_available_days()->end(), random);
    if (round % 3 == 0) request.set_screening("patients/p-0001/screenings/s-3");
    const screening_v1::ScreeningResult result = LowBoneResult();
    const std::string wire = CanonicalInputsWire(request, result);
    const v1::PlanInputs inputs = CanonicalInputs(request, result);
    EXPECT_EQ(inputs.SerializeAsString(), wire) << round;
    EXPECT_EQ(PlanIdOfWire(wire, kCatalogDigest, kPlanRulesVersion),
              PlanId(inputs, kCatalogDigest, kPlanRulesVersion))
        << round;
    v1::PlanInputs parsed;
    ASSERT_TRUE(parsed.ParseFromString(wire));
    EXPECT_EQ(parsed.screening_result().SerializeAsString(), result.SerializeAsString());
  }
}

// --- PlanId ------------------------------------------------------------------------------

v1::PlanInputs BaseInputs() {
  const v1::BuildWeeklyPlanRequest request = ValidRequest();
  return CanonicalInputs(request, request.screening_result());
}

TEST(PlanId, Is32LowerCaseHexDigitsAndStable) {
  const std::string id = PlanId(BaseInputs(), kCatalogDigest, kPlanRulesVersion);
  EXPECT_THAT(id, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(id, PlanId(BaseInputs(), kCatalogDigest, kPlanRulesVersion));
}

TEST(PlanId, ChangesWithTheCatalogDigestAndThePlanRulesVersion) {
  const std::string id = PlanId(BaseInputs(), kCatalogDigest, kPlanRulesVersion);
  EXPECT_NE(id, PlanId(BaseInputs(),
                       "sha256:2222222222222222222222222222222222222222222222222222222222222222",
                       kPlanRulesVersion));
  EXPECT_NE(id, PlanId(BaseInputs(), kCatalogDigest, "2026.11.1+000000000000"));
  EXPECT_NE(id, PlanId(BaseInputs(), kCatalogDigest, "2026.11.2+58e41985e1ec"));
  // The separator keeps the two apart: moving characters between them changes the id.
  EXPECT_NE(PlanId(BaseInputs(), "ab", "c"), PlanId(BaseInputs(), "a", "bc"));
}

TEST(PlanId, ChangesWithAnyInput) {
  const std::string base = PlanId(BaseInputs(), kCatalogDigest, kPlanRulesVersion);
  const std::vector<std::pair<const char*, std::function<void(v1::PlanInputs&)>>> edits = {
      {"screening rule-set version",
       [](auto& i) { i.mutable_screening_result()->set_rule_set_version("2026.11.3+ffffffffffff"); }},
      {"screening outcome",
       [](auto& i) { i.mutable_screening_result()->set_outcome(screening_v1::OUTCOME_SUPERVISED_ONLY); }},
      {"impact ceiling",
       [](auto& i) {
         i.mutable_screening_result()->mutable_restrictions()->mutable_impact_ceiling()->set_level(
             common::IMPACT_LEVEL_LOW);
       }},
      {"an excluded tag removed",
       [](auto& i) { i.mutable_screening_result()->mutable_restrictions()->mutable_excluded_tags()->RemoveLast(); }},
      {"a load cap",
       [](auto& i) {
         i.mutable_screening_result()->mutable_restrictions()->mutable_load_cap()->set_max_percent_one_rep_max(79);
       }},
      {"fall risk", [](auto& i) { i.mutable_screening_result()->mutable_fall_risk()->set_flagged(true); }},
      {"supervision", [](auto& i) { i.mutable_screening_result()->mutable_supervision()->set_required(true); }},
      {"patient", [](auto& i) { i.set_patient_id("p-0002"); }},
      {"a day added", [](auto& i) { i.mutable_preferences()->add_available_days(v1::WEEKDAY_SUNDAY); }},
      {"a day removed", [](auto& i) { i.mutable_preferences()->mutable_available_days()->RemoveLast(); }},
      {"minutes", [](auto& i) { i.mutable_preferences()->set_minutes_per_day(46); }},
      {"equipment", [](auto& i) { i.mutable_preferences()->add_equipment(common::EQUIPMENT_STEP); }},
      {"enjoyed", [](auto& i) { i.mutable_preferences()->add_enjoyed_exercises("exercises/swimming"); }},
      {"disliked", [](auto& i) { i.mutable_preferences()->add_disliked_exercises("exercises/stamps"); }},
      {"start date", [](auto& i) { i.set_week_start_date("2026-11-09"); }},
      {"week index", [](auto& i) { i.set_week_index(4); }},
      {"load", [](auto& i) { i.mutable_progression(0)->set_load_kg(2.5); }},
      {"sets", [](auto& i) { i.mutable_progression(1)->set_sets(3); }},
      {"reps", [](auto& i) { i.mutable_progression(1)->set_reps(11); }},
      {"impacts", [](auto& i) { i.mutable_progression(2)->set_impacts(31); }},
      {"minutes recorded", [](auto& i) { i.mutable_progression(2)->set_minutes(5); }},
      {"a progression removed", [](auto& i) { i.mutable_progression()->RemoveLast(); }},
  };
  std::set<std::string> ids = {base};
  for (const auto& [what, edit] : edits) {
    v1::PlanInputs inputs = BaseInputs();
    edit(inputs);
    const std::string id = PlanId(inputs, kCatalogDigest, kPlanRulesVersion);
    EXPECT_NE(id, base) << what;
    EXPECT_TRUE(ids.insert(id).second) << what << " gave an id another edit gave";
  }
}

// --- plan names ----------------------------------------------------------------------------

TEST(PlanName, RoundTrips) {
  const std::string id = PlanId(BaseInputs(), kCatalogDigest, kPlanRulesVersion);
  EXPECT_EQ(PlanName(id), "plans/" + id);
  absl::StatusOr<std::string> parsed = ParsePlanName(PlanName(id));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, id);
}

TEST(ParsePlanName, RefusesMalformedNamesNamingTheField) {
  const std::string hex32(32, 'a');
  const std::string cases[] = {
      "",
      "plans/",
      "plans/" + std::string(31, 'a'),
      "plans/" + std::string(33, 'a'),
      "plans/" + std::string(31, 'a') + "A",
      "plans/" + std::string(31, 'a') + "g",
      "plans/" + std::string(31, 'a') + "-",
      "plan/" + hex32,
      "Plans/" + hex32,
      "/plans/" + hex32,
      "plans/" + hex32 + "/",
      "plans/" + hex32 + "/items",
      "patients/p/plans/" + hex32,
      hex32,
      "plans/" + std::string(16, 'a') + std::string(1, '\0') + std::string(15, 'a'),
  };
  for (const std::string& name : cases) {
    absl::StatusOr<std::string> parsed = ParsePlanName(name);
    ASSERT_FALSE(parsed.ok()) << "accepted \"" << name << "\"";
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(std::string(parsed.status().message()), ::testing::StartsWith("name: ")) << name;
  }
  absl::StatusOr<std::string> ok = ParsePlanName("plans/0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, "0123456789abcdef0123456789abcdef");
}

}  // namespace
}  // namespace osteoflow::scheduling

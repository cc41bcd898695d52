#include <cmath>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/config/json_file.h"
#include "services/screening/domain/condition.h"
#include "services/screening/domain/intake_validation.h"
#include "services/screening/domain/rule_set.h"
#include "services/screening/domain/screening_engine.h"
#include "tests/support/recorded_digest.h"

namespace osteoflow::screening {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

const std::string kRulesPath = std::string(OSTEOFLOW_SOURCE_DIR) + "/services/screening/data/rules.json";

v1::RuleSetDocument ShippedDocument() {
  std::string text;
  EXPECT_TRUE(ReadWholeFile(kRulesPath, &text).ok());
  v1::RuleSetDocument document;
  EXPECT_TRUE(ParseJsonMessage(text, &document).ok());
  return document;
}

v1::Rule* RuleById(v1::RuleSetDocument& document, absl::string_view id) {
  for (v1::Rule& rule : *document.mutable_rules()) {
    if (rule.id() == id) return &rule;
  }
  ADD_FAILURE() << "no rule " << id;
  return document.mutable_rules(0);
}

std::string LoadError(v1::RuleSetDocument document) {
  auto rules = RuleSet::FromDocument(std::move(document));
  EXPECT_FALSE(rules.ok());
  return rules.ok() ? "" : std::string(rules.status().message());
}

// --- conditions ---

FactValues Facts(std::initializer_list<std::pair<Fact, double>> values) {
  FactValues facts;
  for (const auto& [fact, value] : values) facts.Set(fact, value);
  return facts;
}

bool Holds(absl::string_view text, const FactValues& facts) {
  absl::StatusOr<Condition> condition = Condition::Parse(text);
  EXPECT_TRUE(condition.ok()) << text << ": " << condition.status();
  return condition.ok() && condition->Evaluate(facts);
}

TEST(RuleCondition, ComparesNumbersFlagsAndSymbols) {
  const FactValues facts = Facts({{Fact::kAgeYears, 50},
                                  {Fact::kChestPain, 1},
                                  {Fact::kBoneCategory, v1::BONE_CATEGORY_OSTEOPENIA}});
  EXPECT_TRUE(Holds("age_years >= 50", facts));
  EXPECT_FALSE(Holds("age_years > 50", facts));
  EXPECT_TRUE(Holds("age_years == 50 and chest_pain", facts));
  EXPECT_TRUE(Holds("chest_pain == true", facts));
  EXPECT_TRUE(Holds("not new_stoop", facts));
  EXPECT_TRUE(Holds("bone_category == OSTEOPENIA", facts));
  EXPECT_TRUE(Holds("bone_category != NORMAL", facts));
  EXPECT_TRUE(Holds("false or (true and not (age_years < 18))", facts));
  EXPECT_TRUE(Holds("lowest_t_score > -3 or age_years <= 50.0", facts));
}

TEST(RuleCondition, AndBindsTighterThanOr) {
  const FactValues facts = Facts({{Fact::kChestPain, 1}, {Fact::kNewStoop, 0}});
  EXPECT_TRUE(Holds("chest_pain or new_stoop and false", facts));
  EXPECT_FALSE(Holds("(chest_pain or new_stoop) and false", facts));
}

TEST(RuleCondition, AComparisonWithAnAbsentValueIsFalse) {
  const FactValues none;
  EXPECT_FALSE(Holds("timed_up_and_go_seconds >= 12", none));
  EXPECT_FALSE(Holds("timed_up_and_go_seconds < 12", none));
  EXPECT_FALSE(Holds("timed_up_and_go_seconds != 12", none));
  // And "not" over such a value is refused rather than quietly true.
  EXPECT_FALSE(Condition::Parse("not timed_up_and_go_seconds >= 12").ok());
}

TEST(RuleCondition, RejectsWhatItCannotMeanWithThePosition) {
  const std::pair<std::string, const char*> cases[] = {
      {"age >= 40", "unknown fact 'age'"},
      {"bone_category == SOFT", "takes == or != with one of"},
      {"chest_pain < 1", "is yes/no"},
      {"age_years >= OSTEOPOROSIS", "compares with a number"},
      {"(chest_pain or new_stoop", "unclosed '('"},
      {"chest_pain new_stoop", "unexpected 'new_stoop'"},
      {"age_years = 40", "use == or !="},
      {"age_years", "needs a comparison"},
      {"chest_pain and", "ends too early"},
      {"age_years >= 4x0", "unexpected 'x0'"},
      {"chest_pain; drop", "unexpected character"},
      {"not timed_up_and_go_seconds < 12", "which an intake may leave out"},
      {"not (chest_pain or lowest_t_score <= -2.5)", "which an intake may leave out"},
      {std::string(40, '(') + "chest_pain" + std::string(40, ')'), "nested too deeply"},
      {std::string(40000, '(') + "chest_pain", "nested too deeply"},
  };
  for (const auto& [text, why] : cases) {
    absl::StatusOr<Condition> condition = Condition::Parse(text);
    ASSERT_FALSE(condition.ok()) << text;
    EXPECT_THAT(std::string(condition.status().message()), HasSubstr(why)) << text;
    EXPECT_THAT(std::string(condition.status().message()), HasSubstr("at character")) << text;
  }
}

// --- the rule-set file ---

TEST(RuleSetFile, ShippedRulesLoadAndCarryAVersionWithTheirDigest) {
  auto rules = LoadRuleSetFile(kRulesPath);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_THAT((*rules)->version(), MatchesRegex("[0-9.]+\\+[0-9a-f]{12}"));
  EXPECT_THAT((*rules)->version(), HasSubstr((*rules)->declared_version()));
}

// Reviewed data is versioned: content may only change together with its version.
TEST(RuleSetFile, ShippedContentMatchesTheDigestRecordedForItsVersion) {
  auto rules = LoadRuleSetFile(kRulesPath);
  ASSERT_TRUE(rules.ok()) << rules.status();
  const std::string recorded = testing::RecordedDigest(
      std::string(OSTEOFLOW_SOURCE_DIR) + "/services/screening/data/rules.digest",
      (*rules)->declared_version());
  ASSERT_FALSE(recorded.empty()) << "no digest recorded for rule-set version "
                                 << (*rules)->declared_version() << "; add: "
                                 << (*rules)->declared_version() << " " << (*rules)->content_digest();
  EXPECT_EQ((*rules)->content_digest(), recorded)
      << "rules.json changed but its version did not: bump \"version\" and record the new digest "
         "in rules.digest";
}

TEST(RuleSetFile, AnyEditChangesTheVersionResultsCarry) {
  auto original = RuleSet::FromDocument(ShippedDocument());
  ASSERT_TRUE(original.ok()) << original.status();
  v1::RuleSetDocument edited = ShippedDocument();
  RuleById(edited, "CLR-AGE40")->mutable_clauses(0)->set_when("age_years >= 45");
  auto changed = RuleSet::FromDocument(std::move(edited));
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ((*original)->declared_version(), (*changed)->declared_version());
  EXPECT_NE((*original)->version(), (*changed)->version());
}

TEST(RuleSetFile, RefusesARuleSetMissingAScreeningRuleOfTheReference) {
  v1::RuleSetDocument document = ShippedDocument();
  auto* rules = document.mutable_rules();
  for (int i = 0; i < rules->size(); ++i) {
    if (rules->Get(i).id() == "RF-CHEST") {
      rules->DeleteSubrange(i, 1);
      break;
    }
  }
  EXPECT_THAT(LoadError(std::move(document)), HasSubstr("missing RF-CHEST"));
}

TEST(RuleSetFile, RefusesDuplicateIdsUnknownSourcesAndBadConditions) {
  v1::RuleSetDocument document = ShippedDocument();
  *document.add_rules() = *RuleById(document, "RF-BREATH");
  RuleById(document, "RF-DIZZY")->add_source_keys("NOT-A-SOURCE");
  RuleById(document, "RF-HEIGHT")->mutable_clauses(0)->set_when("height_loss > 3");
  const std::string error = LoadError(std::move(document));
  EXPECT_THAT(error, HasSubstr("(RF-BREATH).id: appears twice"));
  EXPECT_THAT(error, HasSubstr("unknown source NOT-A-SOURCE"));
  EXPECT_THAT(error, HasSubstr("(RF-HEIGHT).clauses[0].when: at character 1: unknown fact 'height_loss'"));
}

TEST(RuleSetFile, RefusesReadingADecisionBeforeAnyRuleMakesIt) {
  v1::RuleSetDocument document = ShippedDocument();
  // The first rule may not depend on the fall-risk flag SUP-FALLS raises later.
  document.mutable_rules(0)->mutable_clauses(0)->set_when("fall_risk");
  EXPECT_THAT(LoadError(std::move(document)), HasSubstr("reads fall_risk before any earlier rule sets it"));
}

TEST(RuleSetFile, RefusesEffectsThatCannotBeRight) {
  v1::RuleSetDocument document = ShippedDocument();
  RuleById(document, "AVOID-TWIST")->mutable_clauses(0)->mutable_then(0)->set_exclude_tag(
      osteoflow::common::v1::SAFETY_TAG_AVOID_NECK);
  RuleById(document, "SUP-HIGHLOAD")->mutable_clauses(0)->mutable_then(0)->set_max_percent_one_rep_max(0);
  RuleById(document, "CLR-AGE40")->mutable_clauses(0)->mutable_then(0)->mutable_clearance()->set_level(
      v1::CLEARANCE_LEVEL_NOT_NEEDED);
  RuleById(document, "RF-CHEST")->mutable_clauses(0)->mutable_then(0)->mutable_red_flag()->set_finding("");
  RuleById(document, "IMP-VF")->mutable_clauses(0)->add_then();
  const std::string error = LoadError(std::move(document));
  EXPECT_THAT(error, HasSubstr("this tag is excluded by rule AVOID-NECK"));
  EXPECT_THAT(error, HasSubstr("max_percent_one_rep_max: must be 1..100"));
  EXPECT_THAT(error, HasSubstr("NOT_NEEDED is the default"));
  EXPECT_THAT(error, HasSubstr("red_flag.finding: required"));
  EXPECT_THAT(error, HasSubstr("(IMP-VF).clauses[0].then[2]: empty effect"));
}

TEST(RuleSetFile, RefusesContinuationsTheReferenceDoesNotAllow) {
  v1::RuleSetDocument document = ShippedDocument();
  v1::Rule* rule = RuleById(document, "IMP-CONTINUE");
  v1::ContinueActivityEffect* tennis = rule->mutable_clauses(1)->mutable_then(0)->mutable_continue_activity();
  tennis->add_lifted_tags(osteoflow::common::v1::SAFETY_TAG_AVOID_NECK);
  tennis->add_exercises("exercises/running");  // also in the first clause
  tennis->add_exercises("tennis");
  tennis->clear_max_impact();
  tennis->set_modification("");
  // A continuation cited by another rule, beside another effect.
  *RuleById(document, "IMP-LOWBONE")->mutable_clauses(0)->add_then() = rule->clauses(0).then(0);
  const std::string error = LoadError(std::move(document));
  EXPECT_THAT(error, HasSubstr("(IMP-CONTINUE).clauses[1].then[0].continue_activity.lifted_tags[1]: "
                               "this movement class is never lifted"));
  EXPECT_THAT(error, HasSubstr("continue_activity.exercises[1]: continued by another effect already"));
  EXPECT_THAT(error, HasSubstr("continue_activity.exercises[2]: want \"exercises/{id}\""));
  EXPECT_THAT(error, HasSubstr("continue_activity.max_impact: required"));
  EXPECT_THAT(error, HasSubstr("continue_activity.modification: required"));
  EXPECT_THAT(error, HasSubstr("(IMP-LOWBONE).clauses[0].then: continue_activity effects stand in a clause of "
                               "their own"));
  EXPECT_THAT(error, HasSubstr("(IMP-LOWBONE).clauses[0].then[1].continue_activity: only rule IMP-CONTINUE"));
}

TEST(RuleSetFile, OnlyAContinuingClauseReadsAnActivitysFacts) {
  v1::RuleSetDocument document = ShippedDocument();
  RuleById(document, "IMP-FALLS")->mutable_clauses(0)->set_when("fall_risk and regular_activity_months >= 6");
  EXPECT_THAT(LoadError(std::move(document)),
              HasSubstr("(IMP-FALLS).clauses[0].when: reads regular_activity_months, which only a clause "
                        "that continues activities can read"));
}

TEST(RuleSetFile, RefusesARuleSetWithoutImpContinue) {
  v1::RuleSetDocument document = ShippedDocument();
  auto* rules = document.mutable_rules();
  for (int i = 0; i < rules->size(); ++i) {
    if (rules->Get(i).id() == "IMP-CONTINUE") {
      rules->DeleteSubrange(i, 1);
      break;
    }
  }
  EXPECT_THAT(LoadError(std::move(document)), HasSubstr("missing IMP-CONTINUE"));
}

TEST(RuleSetFile, UnknownFieldsAndMissingFilesAreClearErrors) {
  v1::RuleSetDocument document;
  const absl::Status parsed = ParseJsonMessage(R"({"version": "1", "rulez": []})", &document);
  EXPECT_EQ(parsed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parsed.message()), HasSubstr("rulez"));
  auto missing = LoadRuleSetFile("no-such-rules.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

// --- every valid intake gets a complete, consistent result ---

v1::Intake RandomIntake(std::mt19937& random) {
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(random); };
  auto between = [&](double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(random);
  };
  auto whole = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  const absl::CivilDay assessed(2026, 11, 1);
  auto days_before = [&](int days) { return absl::FormatCivilTime(assessed - days); };

  v1::Intake intake;
  intake.set_patient_id("p-" + std::to_string(whole(1, 1000)));
  intake.set_assessment_date(absl::FormatCivilTime(assessed));
  intake.set_age_years(whole(18, 100));
  intake.set_sex(chance(0.7) ? v1::SEX_FEMALE : v1::SEX_MALE);
  if (intake.sex() == v1::SEX_FEMALE && chance(0.6)) {
    intake.set_menopausal_status(static_cast<v1::MenopausalStatus>(whole(1, 3)));
  }
  intake.set_height_cm(between(140, 200));
  intake.set_weight_kg(between(40, 130));
  if (chance(0.8)) {
    intake.mutable_dxa()->set_scan_date(days_before(whole(0, 700)));
    const int first = whole(1, 4);
    for (int site = first; site <= 4 && intake.dxa().sites_size() < whole(1, 4); ++site) {
      v1::DxaSiteResult* result = intake.mutable_dxa()->add_sites();
      result->set_site(static_cast<v1::SkeletalSite>(site));
      if (chance(0.9)) result->set_t_score(std::round(between(-4.5, 2.0) * 10) / 10);
      if (!result->has_t_score() || chance(0.4)) result->set_z_score(std::round(between(-3.5, 2.0) * 10) / 10);
    }
  }
  const int fractures = chance(0.6) ? 0 : whole(1, 4);
  for (int i = 0; i < fractures; ++i) {
    v1::Fracture* fracture = intake.add_fractures();
    fracture->set_site(static_cast<v1::FractureSite>(whole(1, 8)));
    fracture->set_low_trauma(chance(0.6));
    fracture->set_date(days_before(whole(0, 365 * 10)));
  }
  intake.mutable_falls()->set_count_last_12_months(chance(0.6) ? 0 : whole(1, 5));
  intake.mutable_falls()->set_any_needed_medical_attention(intake.falls().count_last_12_months() > 0 &&
                                                           chance(0.3));
  intake.set_gait_or_balance_problem(chance(0.15));
  if (chance(0.5)) intake.mutable_functional_tests()->set_timed_up_and_go_seconds(between(5, 25));
  if (chance(0.5)) intake.mutable_functional_tests()->set_tandem_stance_seconds(between(0, 30));
  if (chance(0.5)) intake.mutable_functional_tests()->set_chair_stands_30_seconds(whole(0, 25));
  v1::Conditions* conditions = intake.mutable_conditions();
  conditions->set_cardiovascular(chance(0.15));
  conditions->set_diabetes(chance(0.15));
  conditions->set_renal(chance(0.1));
  conditions->set_hypertension(chance(0.2));
  conditions->set_lung_disease(chance(0.1));
  conditions->set_obesity(chance(0.1));
  conditions->set_arthritis(chance(0.2));
  conditions->set_frail(chance(0.1));
  intake.set_glucocorticoid_use(chance(0.1));
  intake.mutable_current_activity()->set_days_per_week(whole(0, 7));
  if (intake.current_activity().days_per_week() > 0) {
    intake.mutable_current_activity()->set_minutes_per_day(whole(0, 90));
  }
  v1::Symptoms* symptoms = intake.mutable_symptoms();
  symptoms->set_chest_pain(chance(0.05));
  symptoms->set_dizziness_or_fainting(chance(0.05));
  symptoms->set_new_or_sharp_back_pain(chance(0.05));
  symptoms->set_radiating_pain(chance(0.05));
  symptoms->set_height_loss_cm(chance(0.7) ? 0 : std::round(between(0, 6) * 10) / 10);
  symptoms->set_new_stoop(chance(0.05));
  symptoms->set_breathless_unable_to_speak(chance(0.05));
  if (chance(0.2)) intake.mutable_recent_history()->set_last_surgery_date(days_before(whole(0, 400)));
  intake.mutable_recent_history()->set_recovering_from_hip_fracture(chance(0.03));
  intake.mutable_recent_history()->set_spinal_cord_injury(chance(0.02));
  const char* const activities[] = {"running", "tennis", "jumping-rope", "headstand", "brisk-walking"};
  for (const char* activity : activities) {
    if (!chance(0.25)) continue;
    v1::RegularActivity* regular = intake.add_regular_activities();
    regular->set_exercise(std::string("exercises/") + activity);
    regular->set_sessions_per_week(whole(1, 7));
    regular->set_months_done(whole(0, 12 * 18));
    regular->set_caused_pain(chance(0.2));
    regular->set_fell_doing_it(intake.falls().count_last_12_months() > 0 && chance(0.3));
  }
  if (chance(0.2)) {
    v1::RegularActivity* other = intake.add_regular_activities();
    other->set_other_name("Lawn bowls");
    other->set_sessions_per_week(whole(1, 3));
  }
  return intake;
}

TEST(RuleSetProperty, EveryValidIntakeGetsACompleteConsistentResult) {
  auto rules = LoadRuleSetFile(kRulesPath);
  ASSERT_TRUE(rules.ok()) << rules.status();
  std::mt19937 random(20261122);
  for (int i = 0; i < 3000; ++i) {
    const v1::Intake intake = RandomIntake(random);
    ASSERT_TRUE(ValidateIntake(intake, absl::CivilDay(2026, 11, 1), "intake").ok())
        << ValidateIntake(intake, absl::CivilDay(2026, 11, 1), "intake") << intake.DebugString();
    auto result = EvaluateIntake(**rules, intake);
    ASSERT_TRUE(result.ok()) << result.status() << intake.DebugString();
    SCOPED_TRACE(intake.DebugString() + result->DebugString());
    // The result is written field by field; it must be exactly what
    // protobuf's serialiser gives for the same message.
    auto wire = EvaluateIntakeWire(**rules, intake);
    ASSERT_TRUE(wire.ok());
    ASSERT_EQ(*wire, result->SerializeAsString());

    const auto& restrictions = result->restrictions();
    ASSERT_NE(restrictions.impact_ceiling().level(), osteoflow::common::v1::IMPACT_LEVEL_UNSPECIFIED);
    ASSERT_FALSE(restrictions.impact_ceiling().rules().empty());
    ASSERT_EQ(restrictions.load_cap().max_percent_one_rep_max(), 79);
    EXPECT_EQ(result->outcome() == v1::OUTCOME_REFER, !result->red_flags().empty());
    EXPECT_NE(result->bone_status().treated_as(), v1::BONE_CATEGORY_UNKNOWN);
    EXPECT_NE(result->bone_status().category(), v1::BONE_CATEGORY_UNSPECIFIED);
    const bool low_bone = result->bone_status().treated_as() != v1::BONE_CATEGORY_NORMAL;
    if (low_bone) {
      // Every AVOID-* movement class is excluded for low bone density.
      EXPECT_GE(restrictions.excluded_tags_size(), 7);
      EXPECT_LE(restrictions.impact_ceiling().level(), osteoflow::common::v1::IMPACT_LEVEL_MODERATE);
    }
    if (result->fall_risk().flagged()) {
      EXPECT_LE(restrictions.impact_ceiling().level(), osteoflow::common::v1::IMPACT_LEVEL_LOW);
      EXPECT_TRUE(result->supervision().required());
    }
    // IMP-CONTINUE only with low bone, a moderate ceiling and no fall-risk
    // flag; never for an activity with pain, and never a headstand.
    for (const auto& continuation : restrictions.continuations()) {
      EXPECT_TRUE(low_bone);
      EXPECT_FALSE(result->fall_risk().flagged());
      EXPECT_EQ(restrictions.impact_ceiling().level(), osteoflow::common::v1::IMPACT_LEVEL_MODERATE);
      EXPECT_EQ(continuation.rule().rule_id(), "IMP-CONTINUE");
      EXPECT_NE(continuation.exercise(), "exercises/headstand");
      for (const v1::RegularActivity& activity : intake.regular_activities()) {
        if (activity.exercise() != continuation.exercise()) continue;
        EXPECT_FALSE(activity.caused_pain());
        EXPECT_FALSE(activity.fell_doing_it());
        EXPECT_GE(activity.months_done(), 6);
      }
    }
    if (result->outcome() == v1::OUTCOME_PROCEED) {
      EXPECT_FALSE(result->supervision().required());
      EXPECT_TRUE(result->outcome_rules().empty());
    } else {
      EXPECT_FALSE(result->outcome_rules().empty());
    }
  }
}

}  // namespace
}  // namespace osteoflow::screening

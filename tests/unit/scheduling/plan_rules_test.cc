// The dose targets as reviewed data: the shipped file loads, its digest is
// pinned per version, and malformed documents are refused field by field.
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <google/protobuf/util/json_util.h>

#include "common/config/json_file.h"
#include "services/scheduling/domain/plan_rules.h"
#include "tests/support/recorded_digest.h"

namespace osteoflow::scheduling {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
namespace common = osteoflow::common::v1;
namespace catalog_v1 = osteoflow::catalog::v1;

const std::string kRulesPath =
    std::string(OSTEOFLOW_SOURCE_DIR) + "/services/scheduling/data/plan_rules.json";
const std::string kDigestPath =
    std::string(OSTEOFLOW_SOURCE_DIR) + "/services/scheduling/data/plan_rules.digest";

v1::PlanRulesDocument ShippedDocument() {
  std::string text;
  EXPECT_TRUE(ReadWholeFile(kRulesPath, &text).ok());
  v1::PlanRulesDocument document;
  EXPECT_TRUE(ParseJsonMessage(text, &document).ok());
  return document;
}

std::string LoadError(v1::PlanRulesDocument document) {
  auto rules = PlanRules::FromDocument(std::move(document));
  EXPECT_FALSE(rules.ok()) << "the document was accepted";
  if (rules.ok()) return "";
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(rules.status().message());
}

int RuleIndex(const v1::PlanRulesDocument& document, const std::string& id) {
  for (int i = 0; i < document.rules_size(); ++i) {
    if (document.rules(i).rule_id() == id) return i;
  }
  ADD_FAILURE() << "no rule " << id;
  return -1;
}

void RemoveRule(v1::PlanRulesDocument& document, const std::string& id) {
  const int index = RuleIndex(document, id);
  if (index >= 0) document.mutable_rules()->DeleteSubrange(index, 1);
}

// --- the shipped file -------------------------------------------------------

TEST(PlanRulesFile, ShippedRulesLoad) {
  auto rules = LoadPlanRulesFile(kRulesPath);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_THAT((*rules)->version(), MatchesRegex("[0-9.]+\\+[0-9a-f]{12}"));
  EXPECT_THAT((*rules)->content_digest(), MatchesRegex("sha256:[0-9a-f]{64}"));
  // "<declared version>+<first 12 hex of the digest>".
  const std::string& declared = (*rules)->document().version();
  EXPECT_EQ((*rules)->version(),
            declared + "+" + (*rules)->content_digest().substr(std::string("sha256:").size(), 12));
}

TEST(PlanRulesFile, ShippedDigestIsTheOneRecordedForItsVersion) {
  auto rules = LoadPlanRulesFile(kRulesPath);
  ASSERT_TRUE(rules.ok()) << rules.status();
  const std::string& declared = (*rules)->document().version();
  const std::string recorded = testing::RecordedDigest(kDigestPath, declared);
  ASSERT_FALSE(recorded.empty()) << "no digest recorded for plan-rules version " << declared
                                 << "; add: " << declared << " " << (*rules)->content_digest();
  EXPECT_EQ((*rules)->content_digest(), recorded)
      << "plan_rules.json changed but its version did not: bump \"version\" and record the new "
         "digest in plan_rules.digest";
}

TEST(PlanRulesFile, EveryDoseRuleOfTheClinicalReferenceIsDefinedWithSources) {
  auto rules = LoadPlanRulesFile(kRulesPath);
  ASSERT_TRUE(rules.ok()) << rules.status();
  for (const char* id : {"DOSE-STRENGTH", "DOSE-REPS", "DOSE-IMPACT", "DOSE-WB", "DOSE-BALANCE",
                         "DOSE-POSTURE", "DOSE-FLEX"}) {
    const common::RuleCitation& citation = (*rules)->Citation(id);
    EXPECT_EQ(citation.rule_id(), id);
    EXPECT_FALSE(citation.source_keys().empty()) << id;
  }
  // Spinal-flexion stretches are never planned (DOSE-FLEX).
  EXPECT_THAT((*rules)->document().flexibility().never_tags(),
              ::testing::Contains(common::SAFETY_TAG_AVOID_FLEXION));
}

TEST(PlanRulesFile, ShippedNumbersSayWhatTheClinicalReferenceSays) {
  auto rules = LoadPlanRulesFile(kRulesPath);
  ASSERT_TRUE(rules.ok()) << rules.status();
  const v1::PlanRulesDocument& d = (*rules)->document();
  EXPECT_EQ(d.strength().min_days(), 2);  // DOSE-STRENGTH: 2-3 days
  EXPECT_EQ(d.strength().max_days(), 3);
  EXPECT_EQ(d.strength().reps_min(), 8);  // DOSE-REPS: 8-12, 2 sets up to 3
  EXPECT_EQ(d.strength().reps_max(), 12);
  EXPECT_EQ(d.strength().start_sets(), 2);
  EXPECT_EQ(d.strength().max_sets(), 3);
  EXPECT_EQ(d.impact().impacts_per_day(), 50);  // DOSE-IMPACT: ~50 a day on >= 4 days
  EXPECT_EQ(d.impact().min_days(), 4);
  EXPECT_EQ(d.weight_bearing().minutes_per_day(), 30);  // DOSE-WB: 30 min on 5-7 days, 150/week
  EXPECT_EQ(d.weight_bearing().min_days(), 5);
  EXPECT_EQ(d.weight_bearing().weekly_minutes(), 150);
  EXPECT_EQ(d.weight_bearing().min_bout_minutes(), 10);
  EXPECT_EQ(d.balance().min_days(), 2);  // DOSE-BALANCE: >= 2 days, 15-20 min
  EXPECT_GE(d.balance().minutes_per_day(), 15);
  EXPECT_LE(d.balance().minutes_per_day(), 20);
  EXPECT_GE(d.posture().minutes_per_day(), 5);  // DOSE-POSTURE: 5-10 min daily
  EXPECT_LE(d.posture().minutes_per_day(), 10);
}

TEST(PlanRulesFile, MissingFileIsNotFoundAndNamesTheFile) {
  auto rules = LoadPlanRulesFile(kRulesPath + ".missing");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr("plan-rules file"));
}

TEST(PlanRulesFile, UnknownJsonFieldIsRefusedNamingTheFile) {
  const std::string path = ::testing::TempDir() + "plan_rules_unknown_field.json";
  std::string text;
  ASSERT_TRUE(ReadWholeFile(kRulesPath, &text).ok());
  const size_t brace = text.find('{');
  ASSERT_NE(brace, std::string::npos);
  text.insert(brace + 1, "\"colour\": \"blue\",");
  {
    std::ofstream out(path);
    out << text;
  }
  auto rules = LoadPlanRulesFile(path);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr(path));
}

TEST(PlanRulesFile, InvalidContentIsRefusedNamingTheFileAndTheField) {
  const std::string path = ::testing::TempDir() + "plan_rules_bad_days.json";
  v1::PlanRulesDocument document = ShippedDocument();
  document.mutable_strength()->set_min_days(0);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(document, &json).ok());
  {
    std::ofstream out(path);
    out << json;
  }
  auto rules = LoadPlanRulesFile(path);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr("strength.min_days"));
}

// --- refusals -------------------------------------------------------------------

TEST(PlanRulesRefusals, EveryDoseRuleMustBeDefined) {
  for (const char* id : {"DOSE-STRENGTH", "DOSE-REPS", "DOSE-IMPACT", "DOSE-WB", "DOSE-BALANCE",
                         "DOSE-POSTURE", "DOSE-FLEX"}) {
    v1::PlanRulesDocument document = ShippedDocument();
    RemoveRule(document, id);
    EXPECT_THAT(LoadError(std::move(document)), HasSubstr(std::string("rules: missing ") + id)) << id;
  }
}

TEST(PlanRulesRefusals, ACitedRuleMustBeDefined) {
  v1::PlanRulesDocument document = ShippedDocument();
  document.mutable_strength()->set_start_rule_id("PROG-NOSUCH");
  document.mutable_impact()->set_build_up_rule_id("");
  const std::string error = LoadError(std::move(document));
  EXPECT_THAT(error, HasSubstr("strength.start_rule_id: rule PROG-NOSUCH is not defined"));
  EXPECT_THAT(error, HasSubstr("impact.build_up_rule_id: required"));
}

TEST(PlanRulesRefusals, AComponentMustCiteItsOwnDoseRule) {
  v1::PlanRulesDocument document = ShippedDocument();
  document.mutable_balance()->mutable_text()->set_rule_id("DOSE-POSTURE");
  document.mutable_posture()->mutable_text()->clear_target();
  document.mutable_flexibility()->mutable_text()->clear_tempo();
  const std::string error = LoadError(std::move(document));
  EXPECT_THAT(error, HasSubstr("balance.text.rule_id: must be DOSE-BALANCE"));
  EXPECT_THAT(error, HasSubstr("posture.text.target: required"));
  EXPECT_THAT(error, HasSubstr("flexibility.text.tempo: required"));
}

TEST(PlanRulesRefusals, RemovingADoseRuleAlsoNamesTheComponentCitingIt) {
  v1::PlanRulesDocument document = ShippedDocument();
  RemoveRule(document, "DOSE-FLEX");
  EXPECT_THAT(LoadError(std::move(document)),
              HasSubstr("flexibility.text.rule_id: rule DOSE-FLEX is not defined"));
}

TEST(PlanRulesRefusals, OutOfRangeNumbersAreEachNamed) {
  struct Case {
    const char* field;
    std::function<void(v1::PlanRulesDocument&)> change;
  };
  const Case cases[] = {
      {"strength.min_days", [](auto& d) { d.mutable_strength()->set_min_days(0); }},
      // A seven-day week holds at most three non-consecutive days.
      {"strength.max_days", [](auto& d) { d.mutable_strength()->set_max_days(4); }},
      {"strength.max_days", [](auto& d) { d.mutable_strength()->set_max_days(1); }},
      {"strength.start_sets", [](auto& d) { d.mutable_strength()->set_start_sets(0); }},
      {"strength.max_sets", [](auto& d) { d.mutable_strength()->set_max_sets(1); }},
      {"strength.reps_max", [](auto& d) { d.mutable_strength()->set_reps_max(7); }},
      {"strength.minutes_per_set", [](auto& d) { d.mutable_strength()->set_minutes_per_set(11); }},
      {"impact.min_days", [](auto& d) { d.mutable_impact()->set_min_days(8); }},
      {"impact.impacts_per_day", [](auto& d) { d.mutable_impact()->set_impacts_per_day(501); }},
      {"impact.start_impacts", [](auto& d) { d.mutable_impact()->set_start_impacts(51); }},
      {"impact.impacts_per_minute", [](auto& d) { d.mutable_impact()->set_impacts_per_minute(0); }},
      {"weight_bearing.min_days", [](auto& d) { d.mutable_weight_bearing()->set_min_days(0); }},
      {"weight_bearing.minutes_per_day",
       [](auto& d) { d.mutable_weight_bearing()->set_minutes_per_day(9); }},
      {"weight_bearing.weekly_minutes",
       [](auto& d) { d.mutable_weight_bearing()->set_weekly_minutes(7 * 240 + 1); }},
      {"weight_bearing.min_bout_minutes",
       [](auto& d) { d.mutable_weight_bearing()->set_min_bout_minutes(61); }},
      {"balance.min_days", [](auto& d) { d.mutable_balance()->set_min_days(0); }},
      {"balance.fall_risk_min_days", [](auto& d) { d.mutable_balance()->set_fall_risk_min_days(1); }},
      {"balance.minutes_per_day", [](auto& d) { d.mutable_balance()->set_minutes_per_day(9); }},
      {"balance.max_minutes_per_day", [](auto& d) { d.mutable_balance()->set_max_minutes_per_day(121); }},
      {"balance.weekly_minutes", [](auto& d) { d.mutable_balance()->set_weekly_minutes(7 * 20 + 1); }},
      {"weight_bearing.fall_risk_start_minutes",
       [](auto& d) { d.mutable_weight_bearing()->set_fall_risk_start_minutes(5); }},
      {"posture.minutes_per_day", [](auto& d) { d.mutable_posture()->set_minutes_per_day(0); }},
      {"flexibility.minutes", [](auto& d) { d.mutable_flexibility()->set_minutes(61); }},
  };
  for (const Case& c : cases) {
    v1::PlanRulesDocument document = ShippedDocument();
    c.change(document);
    EXPECT_THAT(LoadError(std::move(document)), HasSubstr(std::string(c.field) + ": must be")) << c.field;
  }
}

TEST(PlanRulesRefusals, ManyBadNumbersAreNamedInOneAnswer) {
  v1::PlanRulesDocument document = ShippedDocument();
  document.mutable_strength()->set_min_days(0);
  document.mutable_impact()->set_min_days(9);
  document.mutable_balance()->set_minutes_per_day(500);
  document.mutable_posture()->set_minutes_per_day(-5);
  const std::string error = LoadError(std::move(document));
  EXPECT_THAT(error, HasSubstr("strength.min_days"));
  EXPECT_THAT(error, HasSubstr("impact.min_days"));
  EXPECT_THAT(error, HasSubstr("balance.minutes_per_day"));
  EXPECT_THAT(error, HasSubstr("posture.minutes_per_day"));
}

TEST(PlanRulesRefusals, UnknownTagsAndCategoriesAreRefused) {
  v1::PlanRulesDocument document = ShippedDocument();
  document.mutable_flexibility()->add_never_tags(static_cast<common::SafetyTag>(99));
  document.mutable_flexibility()->add_never_tags(common::SAFETY_TAG_UNSPECIFIED);
  document.mutable_restriction_cues(0)->set_tag(static_cast<common::SafetyTag>(42));
  document.mutable_restriction_cues(1)->add_categories(static_cast<catalog_v1::Category>(77));
  document.mutable_restriction_cues(2)->clear_categories();
  const std::string error = LoadError(std::move(document));
  const int n = ShippedDocument().flexibility().never_tags_size();
  EXPECT_THAT(error, HasSubstr("flexibility.never_tags[" + std::to_string(n) + "]"));
  EXPECT_THAT(error, HasSubstr("flexibility.never_tags[" + std::to_string(n + 1) + "]"));
  EXPECT_THAT(error, HasSubstr("restriction_cues[0].tag"));
  EXPECT_THAT(error, HasSubstr("restriction_cues[1].categories["));
  EXPECT_THAT(error, HasSubstr("restriction_cues[2].categories: name at least one category"));
}

TEST(PlanRulesRefusals, StrengthPatternsMustBeKnownAndDistinct) {
  v1::PlanRulesDocument document = ShippedDocument();
  document.mutable_strength()->add_patterns(catalog_v1::MOVEMENT_PATTERN_HINGE);
  const std::string error = LoadError(document);
  EXPECT_THAT(error, HasSubstr("strength.patterns["));
  document.mutable_strength()->clear_patterns();
  EXPECT_THAT(LoadError(std::move(document)), HasSubstr("strength.patterns: name at least one"));
}

TEST(PlanRulesRefusals, ARuleDefinedButNeverUsedIsRefused) {
  v1::PlanRulesDocument document = ShippedDocument();
  v1::PlanRule* extra = document.add_rules();
  extra->set_rule_id("PROG-VEST");
  extra->set_summary("A weighted vest starts light.");
  extra->add_source_keys("SEED-004");
  const int index = document.rules_size() - 1;
  EXPECT_THAT(LoadError(std::move(document)),
              HasSubstr("rules[" + std::to_string(index) + "].rule_id: PROG-VEST is never used"));
}

TEST(PlanRulesRefusals, RuleDefinitionsNeedAnIdSummaryAndSourcesOnce) {
  v1::PlanRulesDocument document = ShippedDocument();
  *document.add_rules() = document.rules(0);  // defined twice
  document.mutable_rules(1)->clear_summary();
  document.mutable_rules(2)->clear_source_keys();
  const std::string error = LoadError(std::move(document));
  EXPECT_THAT(error, HasSubstr("defined twice"));
  EXPECT_THAT(error, HasSubstr("rules[1].summary: required"));
  EXPECT_THAT(error, HasSubstr("rules[2].source_keys"));
}

TEST(PlanRulesRefusals, AVersionIsRequired) {
  v1::PlanRulesDocument document = ShippedDocument();
  document.clear_version();
  EXPECT_THAT(LoadError(std::move(document)), HasSubstr("version: required"));
}

TEST(PlanRulesRefusals, AnEmptyDocumentIsRefusedWithEveryDoseRuleMissing) {
  const std::string error = LoadError(v1::PlanRulesDocument());
  EXPECT_THAT(error, HasSubstr("missing DOSE-STRENGTH"));
  EXPECT_THAT(error, HasSubstr("version: required"));
}

// --- versions ---------------------------------------------------------------------

TEST(PlanRulesVersion, TheSameContentGivesTheSameVersion) {
  auto a = PlanRules::FromDocument(ShippedDocument());
  auto b = PlanRules::FromDocument(ShippedDocument());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->version(), (*b)->version());
  EXPECT_EQ((*a)->content_digest(), (*b)->content_digest());
}

TEST(PlanRulesVersion, AnyContentChangeChangesTheVersion) {
  auto shipped = PlanRules::FromDocument(ShippedDocument());
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  const std::string declared = (*shipped)->document().version();
  const std::vector<std::pair<const char*, std::function<void(v1::PlanRulesDocument&)>>> edits = {
      {"a dose number", [](auto& d) { d.mutable_impact()->set_start_impacts(25); }},
      {"a target text", [](auto& d) { d.mutable_posture()->mutable_text()->set_target("6 minutes"); }},
      {"a cue", [](auto& d) { d.mutable_strength()->mutable_text()->add_cues("Keep breathing."); }},
      {"a rule summary", [](auto& d) { d.mutable_rules(0)->set_summary("changed"); }},
      {"a source key", [](auto& d) { d.mutable_rules(1)->add_source_keys("ACSM-PROG"); }},
      {"a never tag", [](auto& d) { d.mutable_flexibility()->add_never_tags(common::SAFETY_TAG_AVOID_JERK); }},
      {"a restriction cue", [](auto& d) { d.mutable_restriction_cues(0)->set_cue("Hinge."); }},
      {"the balance week", [](auto& d) { d.mutable_balance()->set_weekly_minutes(90); }},
      {"the walks with fall risk",
       [](auto& d) { d.mutable_weight_bearing()->add_fall_risk_walk_patterns(catalog_v1::MOVEMENT_PATTERN_MIXED); }},
      {"the balance ladder start", [](auto& d) { d.mutable_balance()->set_start_level(catalog_v1::BALANCE_LEVEL_SEMI_TANDEM); }},
      {"the pattern order",
       [](auto& d) {
         auto* patterns = d.mutable_strength()->mutable_patterns();
         patterns->SwapElements(0, 1);
       }},
      {"the declared version", [](auto& d) { d.set_version("2099.1.1"); }},
  };
  for (const auto& [what, edit] : edits) {
    v1::PlanRulesDocument document = ShippedDocument();
    edit(document);
    auto changed = PlanRules::FromDocument(std::move(document));
    ASSERT_TRUE(changed.ok()) << what << ": " << changed.status();
    EXPECT_NE((*changed)->version(), (*shipped)->version()) << what;
    EXPECT_NE((*changed)->content_digest(), (*shipped)->content_digest()) << what;
    if (std::string(what) != "the declared version") {
      // Same declared version, different content: the digest suffix tells them apart.
      EXPECT_THAT((*changed)->version(), ::testing::StartsWith(declared + "+")) << what;
    }
  }
}

TEST(PlanRulesCitation, CitesDefinedRulesWithTheirSourcesAndNothingForUnknownIds) {
  auto rules = PlanRules::FromDocument(ShippedDocument());
  ASSERT_TRUE(rules.ok());
  const common::RuleCitation& reps = (*rules)->Citation("DOSE-REPS");
  EXPECT_EQ(reps.rule_id(), "DOSE-REPS");
  EXPECT_THAT(reps.source_keys(), ::testing::Contains("ROS-2022"));
  EXPECT_TRUE((*rules)->Citation("NO-SUCH-RULE").rule_id().empty());
  EXPECT_THAT((*rules)->Citation("NO-SUCH-RULE").source_keys(), ::testing::IsEmpty());
  EXPECT_THAT((*rules)->version(), Not(HasSubstr(" ")));
}

TEST(PlanRulesValidation, FallRiskWalksNameKnownPatterns) {
  v1::PlanRulesDocument none = ShippedDocument();
  none.mutable_weight_bearing()->clear_fall_risk_walk_patterns();
  EXPECT_THAT(LoadError(std::move(none)), HasSubstr("weight_bearing.fall_risk_walk_patterns: name at least one"));
  v1::PlanRulesDocument unknown = ShippedDocument();
  unknown.mutable_weight_bearing()->add_fall_risk_walk_patterns(static_cast<catalog_v1::MovementPattern>(99));
  EXPECT_THAT(LoadError(std::move(unknown)), HasSubstr("weight_bearing.fall_risk_walk_patterns[1]"));
}

}  // namespace
}  // namespace osteoflow::scheduling

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/catalog/catalog_file.h"
#include "libs/catalog/catalog_validation.h"
#include "libs/catalog/restriction_match.h"
#include "tests/support/restrictions.h"
#include "tests/support/test_catalog.h"

namespace osteoflow::catalog {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
namespace common = osteoflow::common::v1;

std::vector<std::string> RuleIds(const v1::EvaluateActivityResponse& response) {
  std::vector<std::string> ids;
  for (const auto& finding : response.findings()) ids.push_back(finding.rule().rule_id());
  return ids;
}

// Clinical rule cases against the catalog the service ships.
class ShippedCatalogRules : public ::testing::Test {
 protected:
  // Loaded once per suite; a load failure fails every test (a failure in
  // SetUpTestSuite would only skip them).
  static void SetUpTestSuite() {
    auto loaded = LoadCatalogFile(testing::ShippedCatalogPath());
    if (loaded.ok()) catalog_ = new std::shared_ptr<const ExerciseCatalog>(*loaded);
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(catalog_, nullptr) << "the shipped catalog did not load"; }

  v1::EvaluateActivityResponse Evaluate(const std::string& id, const common::Restrictions& r) {
    const v1::Exercise* exercise = (*catalog_)->Find(id);
    EXPECT_NE(exercise, nullptr) << "the catalog has no " << id;
    if (exercise == nullptr) return {};
    EXPECT_TRUE(ValidateRestrictions(r, "restrictions").ok());
    return EvaluateActivity(*exercise, r, **catalog_);
  }

  static std::shared_ptr<const ExerciseCatalog>* catalog_;
};
std::shared_ptr<const ExerciseCatalog>* ShippedCatalogRules::catalog_ = nullptr;

TEST_F(ShippedCatalogRules, SitUpWithOsteoporosisIsNotRecommendedWithHipHingeInstead) {
  const auto response =
      Evaluate("sit-up", testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE"));
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_THAT(RuleIds(response), Contains("AVOID-FLEXION"));
  ASSERT_TRUE(response.has_safer_alternative());
  EXPECT_EQ(response.safer_alternative().movement_pattern(), v1::MOVEMENT_PATTERN_HINGE);
  EXPECT_TRUE(response.safer_alternative().safety_tags().empty());
}

TEST_F(ShippedCatalogRules, HeadstandIsNotRecommendedUnderAvoidNeck) {
  const auto response =
      Evaluate("headstand", testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE"));
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_THAT(RuleIds(response), Contains("AVOID-NECK"));
  ASSERT_TRUE(response.has_safer_alternative());
}

TEST_F(ShippedCatalogRules, JumpingRopeAboveLowImpactCeilingIsNotRecommended) {
  const auto response =
      Evaluate("jumping-rope", testing::LowBoneRestrictions(common::IMPACT_LEVEL_LOW, "IMP-VF"));
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_THAT(RuleIds(response), Contains("IMP-VF"));
  if (response.has_safer_alternative()) {
    EXPECT_LE(response.safer_alternative().impact_level(), common::IMPACT_LEVEL_LOW);
  }
}

TEST_F(ShippedCatalogRules, JumpingRopeIsAllowedForNormalBone) {
  const auto response =
      Evaluate("jumping-rope", testing::MakeRestrictions(common::IMPACT_LEVEL_HIGH, "IMP-NORMAL"));
  EXPECT_NE(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_FALSE(response.has_safer_alternative());
}

TEST_F(ShippedCatalogRules, HeavyFloorLiftIsNotRecommendedForLowBone) {
  const auto response = Evaluate("barbell-deadlift-heavy",
                                 testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE"));
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_THAT(RuleIds(response), Contains("AVOID-FLOORLIFT"));
  ASSERT_TRUE(response.has_safer_alternative());
  EXPECT_EQ(response.safer_alternative().load_percent_one_rep_max(), 0);
}

TEST_F(ShippedCatalogRules, TaiChiSuitsAFallRiskPatient) {
  common::Restrictions restrictions = testing::LowBoneRestrictions(common::IMPACT_LEVEL_NONE, "IMP-FALLS");
  EXPECT_EQ(Evaluate("tai-chi", restrictions).verdict(), v1::VERDICT_ALLOWED);
}

TEST_F(ShippedCatalogRules, SwimmingIsAllowedButNeverWeightBearing) {
  const auto response =
      Evaluate("swimming", testing::LowBoneRestrictions(common::IMPACT_LEVEL_LOW, "IMP-VF"));
  EXPECT_EQ(response.verdict(), v1::VERDICT_ALLOWED);
  EXPECT_FALSE(response.counts_as_weight_bearing());
  EXPECT_THAT(RuleIds(response), Contains("NWB"));
  EXPECT_TRUE(response.has_dose());
}

TEST_F(ShippedCatalogRules, NoAlternativeOfferedIsEverExcluded) {
  // Whatever the restrictions, a safer alternative the service offers carries
  // no AVOID-* tag and stays within the impact ceiling (checked here without
  // the matcher, so that a matcher bug cannot hide itself).
  for (const auto ceiling : {common::IMPACT_LEVEL_NONE, common::IMPACT_LEVEL_LOW,
                             common::IMPACT_LEVEL_MODERATE, common::IMPACT_LEVEL_HIGH}) {
    const common::Restrictions restrictions = testing::LowBoneRestrictions(ceiling, "IMP-TEST");
    for (const v1::Exercise& exercise : (*catalog_)->exercises()) {
      const auto response = EvaluateActivity(exercise, restrictions, **catalog_);
      if (response.has_safer_alternative()) {
        const v1::Exercise& alternative = response.safer_alternative();
        EXPECT_LE(alternative.impact_level(), ceiling) << exercise.id() << " -> " << alternative.id();
        for (const int tag : alternative.safety_tags()) {
          EXPECT_FALSE(IsAvoidTag(static_cast<common::SafetyTag>(tag)))
              << exercise.id() << " -> " << alternative.id();
        }
      }
      // Every AVOID-* entry is refused for low bone density.
      for (const int tag : exercise.safety_tags()) {
        if (IsAvoidTag(static_cast<common::SafetyTag>(tag))) {
          EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED) << exercise.id();
        }
      }
      if (response.verdict() == v1::VERDICT_NOT_RECOMMENDED) {
        EXPECT_FALSE(response.findings().empty()) << exercise.id();
      }
    }
  }
}

// Mechanics against the small test catalog.
class RestrictionMatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = ExerciseCatalog::Create(testing::SmallCatalogDocument());
    ASSERT_TRUE(created.ok());
    catalog_ = *created;
  }
  std::shared_ptr<const ExerciseCatalog> catalog_;
};

TEST_F(RestrictionMatchTest, IntensityAboveCapIsAllowedWithModification) {
  common::Restrictions restrictions =
      testing::MakeRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  restrictions.mutable_aerobic_intensity_cap()->set_max_intensity(common::INTENSITY_MODERATE);
  restrictions.mutable_aerobic_intensity_cap()->add_rules()->set_rule_id("IMP-VF");
  const auto response = EvaluateActivity(*catalog_->Find("jog"), restrictions, *catalog_);
  EXPECT_EQ(response.verdict(), v1::VERDICT_ALLOWED_WITH_MODIFICATION);
  EXPECT_THAT(RuleIds(response), Contains("IMP-VF"));
  ASSERT_EQ(response.modifications_size(), 1);
  EXPECT_THAT(response.modifications(0), HasSubstr("moderate"));
}

TEST_F(RestrictionMatchTest, LoadAboveCapIsAllowedWithModification) {
  common::Restrictions restrictions =
      testing::MakeRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  restrictions.mutable_load_cap()->set_max_percent_one_rep_max(70);
  restrictions.mutable_load_cap()->add_rules()->set_rule_id("SUP-HIGHLOAD");
  const auto response = EvaluateActivity(*catalog_->Find("heavy-deadlift"), restrictions, *catalog_);
  EXPECT_EQ(response.verdict(), v1::VERDICT_ALLOWED_WITH_MODIFICATION);
  EXPECT_THAT(RuleIds(response), Contains("SUP-HIGHLOAD"));
  EXPECT_THAT(response.modifications(0), HasSubstr("70%"));
}

TEST_F(RestrictionMatchTest, ExcludedTagWithoutCitationFallsBackToTheTagsRule) {
  common::Restrictions restrictions =
      testing::MakeRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  restrictions.add_excluded_tags()->set_tag(common::SAFETY_TAG_AVOID_FLEXION);
  const auto response = EvaluateActivity(*catalog_->Find("sit-up"), restrictions, *catalog_);
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_THAT(RuleIds(response), Contains("AVOID-FLEXION"));
  EXPECT_EQ(response.safer_alternative().id(), "hip-hinge");
}

TEST_F(RestrictionMatchTest, ImpactAboveCeilingFindsAnEasierVariant) {
  const auto response = EvaluateActivity(
      *catalog_->Find("jog"), testing::MakeRestrictions(common::IMPACT_LEVEL_LOW, "IMP-VF"), *catalog_);
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_THAT(RuleIds(response), Contains("IMP-VF"));
  EXPECT_EQ(response.safer_alternative().id(), "walk");
  EXPECT_FALSE(response.has_dose());
}

TEST_F(RestrictionMatchTest, NotRecommendedWhenNothingSaferIsAllowed) {
  const auto response = EvaluateActivity(
      *catalog_->Find("jog"), testing::MakeRestrictions(common::IMPACT_LEVEL_NONE, "IMP-FALLS"),
      *catalog_);
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_FALSE(response.has_safer_alternative());
}

TEST(ValidateRestrictions, NamesEveryBadField) {
  common::Restrictions restrictions;
  restrictions.add_excluded_tags()->set_tag(static_cast<common::SafetyTag>(77));
  restrictions.mutable_load_cap()->set_max_percent_one_rep_max(150);
  restrictions.mutable_aerobic_intensity_cap()->set_max_intensity(common::INTENSITY_MODERATE);
  const absl::Status status = ValidateRestrictions(restrictions, "restrictions");
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("restrictions.impact_ceiling.level"));
  EXPECT_THAT(message, HasSubstr("restrictions.excluded_tags[0].tag"));
  EXPECT_THAT(message, HasSubstr("restrictions.load_cap.max_percent_one_rep_max"));
  EXPECT_THAT(message, HasSubstr("restrictions.aerobic_intensity_cap.rules"));
}

// --- continuations (IMP-CONTINUE) ---

TEST_F(ShippedCatalogRules, AContinuedActivityIsAllowedWithItsModificationAndRule) {
  common::Restrictions restrictions = testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  *restrictions.add_continuations() = testing::Continuation("exercises/tennis", common::IMPACT_LEVEL_HIGH,
                                                            {common::SAFETY_TAG_AVOID_TWIST});
  const auto response = Evaluate("tennis", restrictions);
  EXPECT_EQ(response.verdict(), v1::VERDICT_ALLOWED_WITH_MODIFICATION);
  EXPECT_THAT(RuleIds(response), Contains("AVOID-TWIST"));
  EXPECT_THAT(RuleIds(response), Contains("IMP-LOWBONE"));
  EXPECT_THAT(RuleIds(response), Contains("IMP-CONTINUE"));
  ASSERT_EQ(response.modifications_size(), 1);
  EXPECT_EQ(response.modifications(0), restrictions.continuations(0).modification());
  const v1::Exercise& tennis = *(*catalog_)->Find("tennis");
  EXPECT_TRUE(IsAllowed(tennis, restrictions));
  EXPECT_EQ(ContinuationApplied(tennis, restrictions), &restrictions.continuations(0));
}

TEST_F(ShippedCatalogRules, AContinuationLiftsNothingItDoesNotName) {
  common::Restrictions restrictions = testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  // Impact lifted but not loaded rotation: tennis still carries AVOID-TWIST.
  *restrictions.add_continuations() = testing::Continuation("exercises/tennis", common::IMPACT_LEVEL_HIGH);
  EXPECT_EQ(Evaluate("tennis", restrictions).verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_EQ(ContinuationApplied(*(*catalog_)->Find("tennis"), restrictions), nullptr);
}

TEST_F(ShippedCatalogRules, AnActivityAllowedAnywayDoesNotCiteItsContinuation) {
  common::Restrictions restrictions = testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  *restrictions.add_continuations() = testing::Continuation("exercises/jogging", common::IMPACT_LEVEL_HIGH);
  const auto response = Evaluate("jogging", restrictions);
  EXPECT_EQ(response.verdict(), v1::VERDICT_ALLOWED);
  EXPECT_THAT(RuleIds(response), Not(Contains("IMP-CONTINUE")));
}

TEST_F(ShippedCatalogRules, AContinuedActivityIsNeverSomeoneElsesSaferAlternative) {
  common::Restrictions restrictions = testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  // Box jumps' alternatives lead to entries a new starter may do, never to
  // the person's own continued running.
  *restrictions.add_continuations() = testing::Continuation("exercises/running", common::IMPACT_LEVEL_HIGH);
  const auto response = Evaluate("box-jumps", restrictions);
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  ASSERT_TRUE(response.has_safer_alternative());
  EXPECT_NE(response.safer_alternative().id(), "running");
  EXPECT_LE(response.safer_alternative().impact_level(), common::IMPACT_LEVEL_MODERATE);
}

TEST(ValidateRestrictions, NamesEveryBadFieldOfAContinuation) {
  common::Restrictions restrictions = testing::MakeRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  common::ActivityContinuation* bad = restrictions.add_continuations();
  bad->set_exercise("running");
  bad->set_max_impact(static_cast<common::ImpactLevel>(9));
  bad->add_lifted_tags(static_cast<common::SafetyTag>(77));
  *restrictions.add_continuations() = testing::Continuation("exercises/tennis", common::IMPACT_LEVEL_HIGH);
  *restrictions.add_continuations() = testing::Continuation("exercises/tennis", common::IMPACT_LEVEL_HIGH);
  const absl::Status status = ValidateRestrictions(restrictions, "restrictions");
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("restrictions.continuations[0].exercise: want \"exercises/{id}\""));
  EXPECT_THAT(message, HasSubstr("restrictions.continuations[0].rule.rule_id: required"));
  EXPECT_THAT(message, HasSubstr("restrictions.continuations[0].modification: required"));
  EXPECT_THAT(message, HasSubstr("restrictions.continuations[0].max_impact: required"));
  EXPECT_THAT(message, HasSubstr("restrictions.continuations[0].lifted_tags[0]: unknown"));
  EXPECT_THAT(message, HasSubstr("restrictions.continuations[2].exercise: continued twice"));
  EXPECT_THAT(message, Not(HasSubstr("restrictions.continuations[1]")));
}

TEST(ValidateRestrictions, AContinuationNeverLiftsTheMovementsThatStayExcluded) {
  for (const common::SafetyTag tag :
       {common::SAFETY_TAG_AVOID_FLEXION, common::SAFETY_TAG_AVOID_NECK, common::SAFETY_TAG_AVOID_JERK,
        common::SAFETY_TAG_AVOID_FLOORLIFT, common::SAFETY_TAG_AVOID_FALLRISK, common::SAFETY_TAG_AVOID_SLR,
        common::SAFETY_TAG_BALANCE_CHALLENGE}) {
    common::Restrictions restrictions = testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
    *restrictions.add_continuations() =
        testing::Continuation("exercises/headstand", common::IMPACT_LEVEL_HIGH, {tag});
    EXPECT_THAT(std::string(ValidateRestrictions(restrictions, "restrictions").message()),
                HasSubstr("restrictions.continuations[0].lifted_tags[0]: " + common::SafetyTag_Name(tag) +
                          " is never lifted"));
    // And the matcher does not lift it even for restrictions nobody checked.
    EXPECT_FALSE(Lifts(restrictions.continuations(0), tag));
  }
}

TEST(ValidateRestrictions, AContinuationNeedsAModerateCeilingAndNoFallRisk) {
  common::Restrictions restrictions = testing::MakeRestrictions(common::IMPACT_LEVEL_LOW, "IMP-VF");
  *restrictions.add_continuations() = testing::Continuation("exercises/running", common::IMPACT_LEVEL_HIGH);
  EXPECT_THAT(std::string(ValidateRestrictions(restrictions, "restrictions").message()),
              HasSubstr("restrictions.continuations: IMP-CONTINUE does not apply under an impact ceiling "
                        "below moderate"));
  common::Restrictions falls = testing::MakeRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE",
                                                         {common::SAFETY_TAG_BALANCE_CHALLENGE});
  *falls.add_continuations() = testing::Continuation("exercises/running", common::IMPACT_LEVEL_HIGH);
  EXPECT_THAT(std::string(ValidateRestrictions(falls, "restrictions").message()),
              HasSubstr("IMP-CONTINUE does not apply with a fall-risk flag"));
}

TEST(ValidateRestrictions, ContinuationsAreBounded) {
  common::Restrictions restrictions = testing::MakeRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  for (int i = 0; i < 21; ++i) {
    *restrictions.add_continuations() =
        testing::Continuation("exercises/e" + std::to_string(100 + i), common::IMPACT_LEVEL_HIGH);
  }
  EXPECT_EQ(ValidateRestrictions(restrictions, "restrictions").message(),
            "restrictions.continuations: at most 20 entries");
  restrictions.mutable_continuations()->RemoveLast();
  ASSERT_TRUE(ValidateRestrictions(restrictions, "restrictions").ok());
  restrictions.mutable_continuations(3)->set_modification(std::string(501, 'x'));
  EXPECT_THAT(std::string(ValidateRestrictions(restrictions, "restrictions").message()),
              HasSubstr("restrictions.continuations[3].modification: at most 500 characters"));
}

TEST(ValidateRestrictions, CeilingMustCiteItsRule) {
  common::Restrictions restrictions;
  restrictions.mutable_impact_ceiling()->set_level(common::IMPACT_LEVEL_LOW);
  EXPECT_THAT(std::string(ValidateRestrictions(restrictions, "restrictions").message()),
              HasSubstr("restrictions.impact_ceiling.rules"));
  restrictions.mutable_impact_ceiling()->add_rules()->set_rule_id("IMP-VF");
  EXPECT_TRUE(ValidateRestrictions(restrictions, "restrictions").ok());
}

}  // namespace
}  // namespace osteoflow::catalog

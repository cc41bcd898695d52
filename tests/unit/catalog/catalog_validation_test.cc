#include <fstream>
#include <functional>
#include <string>

#include <google/protobuf/util/json_util.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/catalog/catalog_file.h"
#include "libs/catalog/catalog_validation.h"
#include "libs/catalog/exercise_catalog.h"
#include "tests/support/recorded_digest.h"
#include "tests/support/test_catalog.h"

namespace osteoflow::catalog {
namespace {

using ::testing::HasSubstr;
using v1::CatalogDocument;
using v1::Exercise;

Exercise* Entry(CatalogDocument& document, const std::string& id) {
  for (Exercise& exercise : *document.mutable_exercises()) {
    if (exercise.id() == id) return &exercise;
  }
  ADD_FAILURE() << "no entry " << id;
  return document.mutable_exercises(0);
}

TEST(CatalogValidation, SmallCatalogIsValid) {
  EXPECT_TRUE(ValidateCatalog(testing::SmallCatalogDocument()).ok());
}

TEST(CatalogValidation, ShippedCatalogLoadsWithEnoughEntries) {
  auto catalog = LoadCatalogFile(testing::ShippedCatalogPath());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_GE((*catalog)->size(), 80);
  EXPECT_THAT((*catalog)->content_digest(), HasSubstr("sha256:"));
}

// Reviewed data is versioned: content may only change together with its version.
TEST(CatalogValidation, ShippedCatalogContentMatchesTheDigestRecordedForItsVersion) {
  auto catalog = LoadCatalogFile(testing::ShippedCatalogPath());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::string digest_for_version = testing::RecordedDigest(
      std::string(OSTEOFLOW_SOURCE_DIR) + "/services/catalog/data/catalog.digest",
      (*catalog)->version());
  ASSERT_FALSE(digest_for_version.empty())
      << "no digest recorded for catalog version " << (*catalog)->version()
      << "; add: " << (*catalog)->version() << " " << (*catalog)->content_digest();
  EXPECT_EQ((*catalog)->content_digest(), digest_for_version)
      << "catalog.json changed but its version did not: bump \"version\" and record "
      << "the new digest in catalog.digest";
}

struct BrokenCase {
  std::string label;
  std::function<void(CatalogDocument&)> breaks;
  std::string expected;  // must appear in the error: entry and field

  friend void PrintTo(const BrokenCase& broken, std::ostream* out) { *out << broken.label; }
};

class BrokenCatalog : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenCatalog, IsRefusedNamingEntryAndField) {
  CatalogDocument document = testing::SmallCatalogDocument();
  GetParam().breaks(document);
  const absl::Status status = ValidateCatalog(document);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    EveryCheck, BrokenCatalog,
    ::testing::Values(
        BrokenCase{"duplicate_id", [](auto& d) { Entry(d, "jog")->set_id("walk"); },
                   "(walk).id: duplicate id"},
        BrokenCase{"bad_id", [](auto& d) { Entry(d, "swim")->set_id("Swim Laps"); }, "(Swim Laps).id"},
        BrokenCase{"dangling_variant",
                   [](auto& d) { Entry(d, "walk")->set_harder_variant_ids(0, "sprint"); },
                   "(walk).harder_variant_ids: 'sprint' does not name an entry"},
        BrokenCase{"one_way_variant",
                   [](auto& d) { Entry(d, "jog")->clear_easier_variant_ids(); },
                   "(walk).harder_variant_ids: 'jog' does not list this entry as easier"},
        BrokenCase{"dangling_alternative",
                   [](auto& d) { Entry(d, "sit-up")->set_safer_alternative_id("plank"); },
                   "(sit-up).safer_alternative_id: 'plank' does not name an entry"},
        BrokenCase{"self_alternative",
                   [](auto& d) { Entry(d, "sit-up")->set_safer_alternative_id("sit-up"); },
                   "(sit-up).safer_alternative_id: refers to the entry itself"},
        BrokenCase{"not_recommended_without_alternative",
                   [](auto& d) { Entry(d, "sit-up")->clear_safer_alternative_id(); },
                   "(sit-up).safer_alternative_id: required"},
        BrokenCase{"alternative_is_itself_unsafe",
                   [](auto& d) {
                     Entry(d, "hip-hinge")->add_safety_tags(common::v1::SAFETY_TAG_AVOID_FLEXION);
                     Entry(d, "hip-hinge")->set_safer_alternative_id("walk");
                   },
                   "(sit-up).safer_alternative_id: 'hip-hinge' is itself tagged"},
        BrokenCase{"swim_marked_weight_bearing",
                   [](auto& d) { Entry(d, "swim")->set_weight_bearing(true); },
                   "(swim).weight_bearing: non-weight-bearing aerobic entries never count"},
        BrokenCase{"impact_without_weight_bearing",
                   [](auto& d) { Entry(d, "jog")->set_weight_bearing(false); },
                   "(jog).weight_bearing: an entry with impact must be weight-bearing"},
        BrokenCase{"missing_category", [](auto& d) { Entry(d, "walk")->clear_category(); },
                   "(walk).category: required"},
        BrokenCase{"missing_pattern", [](auto& d) { Entry(d, "walk")->clear_movement_pattern(); },
                   "(walk).movement_pattern: required"},
        BrokenCase{"missing_impact", [](auto& d) { Entry(d, "swim")->clear_impact_level(); },
                   "(swim).impact_level: required"},
        BrokenCase{"missing_description", [](auto& d) { Entry(d, "walk")->clear_description(); },
                   "(walk).description: required"},
        BrokenCase{"missing_dose", [](auto& d) { Entry(d, "walk")->clear_default_dose(); },
                   "(walk).default_dose: required"},
        BrokenCase{"resistance_in_minutes",
                   [](auto& d) { Entry(d, "hip-hinge")->mutable_default_dose()->set_minutes(5); },
                   "(hip-hinge).default_dose: resistance entries are dosed in sets_reps"},
        BrokenCase{"reps_inverted",
                   [](auto& d) {
                     Entry(d, "hip-hinge")->mutable_default_dose()->mutable_sets_reps()->set_reps_max(3);
                   },
                   "(hip-hinge).default_dose.sets_reps.reps_max"},
        BrokenCase{"unknown_source",
                   [](auto& d) { Entry(d, "walk")->add_source_keys("BLOG-1"); },
                   "(walk).source_keys: unknown source key 'BLOG-1'"},
        BrokenCase{"no_sources", [](auto& d) { Entry(d, "walk")->clear_source_keys(); },
                   "(walk).source_keys: at least one source key is required"},
        BrokenCase{"undefined_tag",
                   [](auto& d) { Entry(d, "jog")->add_safety_tags(common::v1::SAFETY_TAG_AVOID_NECK); },
                   "(jog).safety_tags: tag SAFETY_TAG_AVOID_NECK is not defined"},
        BrokenCase{"load_out_of_range",
                   [](auto& d) { Entry(d, "heavy-deadlift")->set_load_percent_one_rep_max(120); },
                   "(heavy-deadlift).load_percent_one_rep_max: must be 0..100"},
        BrokenCase{"name_in_file", [](auto& d) { Entry(d, "walk")->set_name("exercises/walk"); },
                   "(walk).name: is output only"},
        BrokenCase{"no_nwb_rule", [](auto& d) { d.clear_rules(); }, "rules: must define rule 'NWB'"},
        BrokenCase{"no_version", [](auto& d) { d.clear_version(); }, "version: required"}),
    [](const ::testing::TestParamInfo<BrokenCase>& param_info) { return param_info.param.label; });

TEST(CatalogValidation, ReportsEveryProblemAtOnce) {
  CatalogDocument document = testing::SmallCatalogDocument();
  Entry(document, "walk")->clear_category();
  Entry(document, "swim")->set_weight_bearing(true);
  const std::string message(ValidateCatalog(document).message());
  EXPECT_THAT(message, HasSubstr("(walk).category"));
  EXPECT_THAT(message, HasSubstr("(swim).weight_bearing"));
}

TEST(CatalogFile, ParsesAValidDocumentAndRejectsUnknownFieldsAndValues) {
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(testing::SmallCatalogDocument(), &json).ok());
  ASSERT_TRUE(ParseCatalogJson(json).ok());

  // The same valid document with one unknown field, or one unknown enum value.
  std::string unknown_field = json;
  unknown_field.insert(1, R"("exercize": [],)");
  std::string unknown_value = json;
  const size_t at = unknown_value.find("CATEGORY_RESISTANCE");
  ASSERT_NE(at, std::string::npos);
  unknown_value.replace(at, std::string("CATEGORY_RESISTANCE").size(), "CATEGORY_JUGGLING");
  for (const std::string& broken : {unknown_field, unknown_value, std::string("{not json")}) {
    const auto parsed = ParseCatalogJson(broken);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("not a valid osteoflow.catalog.v1.CatalogDocument"));
  }
}

TEST(CatalogFile, MissingFileIsNotFound) {
  EXPECT_EQ(LoadCatalogFile("/nonexistent/catalog.json").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ExerciseCatalog, OrdersByIdFillsNamesAndDigestFollowsContent) {
  auto first = ExerciseCatalog::Create(testing::SmallCatalogDocument());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->exercises().Get(0).id(), "heavy-deadlift");
  EXPECT_EQ((*first)->Find("walk")->name(), "exercises/walk");
  EXPECT_EQ((*first)->Find("nothing"), nullptr);

  auto same = ExerciseCatalog::Create(testing::SmallCatalogDocument());
  EXPECT_EQ((*first)->content_digest(), (*same)->content_digest());

  CatalogDocument changed = testing::SmallCatalogDocument();
  Entry(changed, "walk")->mutable_default_dose()->set_minutes(31);
  auto other = ExerciseCatalog::Create(changed);
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*first)->content_digest(), (*other)->content_digest());
}

TEST(ExerciseName, ParsesAndRejects) {
  EXPECT_EQ(*ParseExerciseName("exercises/walk", "name"), "walk");
  for (const char* bad : {"", "walk", "exercises/", "exercise/walk"}) {
    const auto parsed = ParseExerciseName(bad, "name");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("name:")) << bad;
  }
}

}  // namespace
}  // namespace osteoflow::catalog

#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/catalog/catalog_file.h"
#include "services/catalog/domain/exercise_query.h"
#include "tests/support/test_catalog.h"

namespace osteoflow::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using v1::ListExercisesRequest;
namespace common = osteoflow::common::v1;

class ExerciseQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = ExerciseCatalog::Create(testing::SmallCatalogDocument());
    ASSERT_TRUE(created.ok()) << created.status();
    catalog_ = *created;
  }

  std::vector<std::string> Ids(const ListExercisesRequest& request) {
    auto page = ListExercises(*catalog_, request);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const auto* exercise : page->exercises) ids.push_back(exercise->id());
    }
    return ids;
  }

  std::shared_ptr<const ExerciseCatalog> catalog_;
};

TEST_F(ExerciseQueryTest, NoFiltersListsEverythingById) {
  EXPECT_THAT(Ids({}), ElementsAre("heavy-deadlift", "hip-hinge", "jog", "sit-up", "swim", "walk"));
}

TEST_F(ExerciseQueryTest, FiltersByCategory) {
  ListExercisesRequest request;
  request.add_categories(v1::CATEGORY_WEIGHT_BEARING_AEROBIC);
  request.add_categories(v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC);
  EXPECT_THAT(Ids(request), ElementsAre("jog", "swim", "walk"));
}

TEST_F(ExerciseQueryTest, FiltersByMovementPattern) {
  ListExercisesRequest request;
  request.add_movement_patterns(v1::MOVEMENT_PATTERN_HINGE);
  EXPECT_THAT(Ids(request), ElementsAre("heavy-deadlift", "hip-hinge"));
}

TEST_F(ExerciseQueryTest, FiltersByMaximumImpact) {
  ListExercisesRequest request;
  request.set_max_impact_level(common::IMPACT_LEVEL_LOW);
  EXPECT_THAT(Ids(request), ElementsAre("heavy-deadlift", "hip-hinge", "sit-up", "swim", "walk"));
  request.set_max_impact_level(common::IMPACT_LEVEL_NONE);
  EXPECT_THAT(Ids(request), ElementsAre("heavy-deadlift", "hip-hinge", "sit-up", "swim"));
}

TEST_F(ExerciseQueryTest, FiltersByEquipmentAvailable) {
  ListExercisesRequest request;
  request.mutable_equipment();  // present and empty: no equipment at all
  EXPECT_THAT(Ids(request), ElementsAre("hip-hinge", "jog", "sit-up", "walk"));
  request.mutable_equipment()->add_available(common::EQUIPMENT_POOL);
  EXPECT_THAT(Ids(request), ElementsAre("hip-hinge", "jog", "sit-up", "swim", "walk"));
}

TEST_F(ExerciseQueryTest, ExcludesSafetyTags) {
  ListExercisesRequest request;
  request.add_exclude_safety_tags(common::SAFETY_TAG_AVOID_FLEXION);
  EXPECT_THAT(Ids(request), ElementsAre("heavy-deadlift", "hip-hinge", "jog", "swim", "walk"));
}

TEST_F(ExerciseQueryTest, WeightBearingOnlyDropsSwimming) {
  ListExercisesRequest request;
  request.set_weight_bearing_only(true);
  EXPECT_THAT(Ids(request), ElementsAre("heavy-deadlift", "hip-hinge", "jog", "walk"));
}

TEST_F(ExerciseQueryTest, FiltersCombineWithAnd) {
  ListExercisesRequest request;
  request.set_weight_bearing_only(true);
  request.set_max_impact_level(common::IMPACT_LEVEL_LOW);
  request.mutable_equipment();
  EXPECT_THAT(Ids(request), ElementsAre("hip-hinge", "walk"));
}

TEST_F(ExerciseQueryTest, PagesWalkEveryEntryOnceWithTotal) {
  ListExercisesRequest request;
  request.set_page_size(4);
  auto first = ListExercises(*catalog_, request);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->exercises.size(), 4u);
  EXPECT_EQ(first->total_size, 6);
  ASSERT_FALSE(first->next_page_token.empty());
  request.set_page_token(first->next_page_token);
  auto second = ListExercises(*catalog_, request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->exercises.size(), 2u);
  EXPECT_TRUE(second->next_page_token.empty());
  EXPECT_EQ(second->exercises[0]->id(), "swim");
}

TEST_F(ExerciseQueryTest, PageSizeZeroMeansDefault) {
  auto shipped = LoadCatalogFile(testing::ShippedCatalogPath());
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  auto page = ListExercises(**shipped, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(static_cast<int>(page->exercises.size()), kDefaultPageSize);
}

TEST_F(ExerciseQueryTest, PageSizeAboveMaximumIsLowered) {
  auto shipped = LoadCatalogFile(testing::ShippedCatalogPath());
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  ListExercisesRequest request;
  request.set_page_size(kMaxPageSize + 500);
  auto page = ListExercises(**shipped, request);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(static_cast<int>(page->exercises.size()), std::min(kMaxPageSize, page->total_size));
}

TEST_F(ExerciseQueryTest, NegativePageSizeIsInvalid) {
  ListExercisesRequest request;
  request.set_page_size(-1);
  auto page = ListExercises(*catalog_, request);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(page.status().message()), HasSubstr("page_size"));
}

TEST_F(ExerciseQueryTest, TokenReusedWithOtherFiltersIsInvalid) {
  ListExercisesRequest request;
  request.set_page_size(2);
  auto first = ListExercises(*catalog_, request);
  ASSERT_TRUE(first.ok());
  request.set_page_token(first->next_page_token);
  request.set_weight_bearing_only(true);
  auto reused = ListExercises(*catalog_, request);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(reused.status().message()), HasSubstr("page_token"));
}

TEST_F(ExerciseQueryTest, TokenSurvivesReorderedButEqualFilters) {
  ListExercisesRequest request;
  request.set_page_size(1);
  request.add_categories(v1::CATEGORY_RESISTANCE);
  request.add_categories(v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC);
  auto first = ListExercises(*catalog_, request);
  ASSERT_TRUE(first.ok());
  ListExercisesRequest reordered;
  reordered.set_page_size(1);
  reordered.add_categories(v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC);
  reordered.add_categories(v1::CATEGORY_RESISTANCE);
  reordered.set_page_token(first->next_page_token);
  EXPECT_TRUE(ListExercises(*catalog_, reordered).ok());
}

TEST_F(ExerciseQueryTest, GarbageOrForgedTokensAreInvalid) {
  for (const char* token : {"not-a-token", "djEuMy5hYmM", "%%%"}) {
    ListExercisesRequest request;
    request.set_page_token(token);
    auto page = ListExercises(*catalog_, request);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_THAT(std::string(page.status().message()), HasSubstr("page_token")) << token;
  }
}

TEST_F(ExerciseQueryTest, UnknownEnumValuesAreInvalid) {
  ListExercisesRequest request;
  request.add_categories(static_cast<v1::Category>(99));
  request.add_exclude_safety_tags(common::SAFETY_TAG_UNSPECIFIED);
  request.set_max_impact_level(static_cast<common::ImpactLevel>(42));
  auto page = ListExercises(*catalog_, request);
  ASSERT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(page.status().message());
  EXPECT_THAT(message, HasSubstr("categories"));
  EXPECT_THAT(message, HasSubstr("exclude_safety_tags"));
  EXPECT_THAT(message, HasSubstr("max_impact_level"));
}

TEST_F(ExerciseQueryTest, OverlongFilterListsAreInvalidNotExpensive) {
  ListExercisesRequest request;
  for (int i = 0; i < 100000; ++i) request.add_categories(static_cast<v1::Category>(99));
  auto page = ListExercises(*catalog_, request);
  ASSERT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(page.status().message()), HasSubstr("categories: at most"));
  EXPECT_LT(page.status().message().size(), 200u);
}

TEST_F(ExerciseQueryTest, EmptyResultHasNoToken) {
  ListExercisesRequest request;
  request.add_categories(v1::CATEGORY_BALANCE);
  auto page = ListExercises(*catalog_, request);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->exercises.empty());
  EXPECT_EQ(page->total_size, 0);
  EXPECT_TRUE(page->next_page_token.empty());
}

}  // namespace
}  // namespace osteoflow::catalog

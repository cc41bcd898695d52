// The in-process copies of recent plans: bounded by bytes, least recently
// used out first.
#include <gtest/gtest.h>

#include <string>

#include "absl/time/clock.h"

#include "services/scheduling/cache/recent_plans.h"

namespace osteoflow::scheduling {
namespace {

TEST(RecentPlans, KeepsWhatFitsAndDropsTheLeastRecentlyUsed) {
  // Each entry: a 1-byte key and 10 bytes of plan.
  RecentPlans recent(33, absl::Hours(1));
  recent.Put("a", std::string(10, 'a'));
  recent.Put("b", std::string(10, 'b'));
  recent.Put("c", std::string(10, 'c'));
  EXPECT_EQ(recent.bytes(), 33u);
  ASSERT_TRUE(recent.Get("a").has_value());  // a is now the most recent
  recent.Put("d", std::string(10, 'd'));     // b goes
  EXPECT_FALSE(recent.Get("b").has_value());
  EXPECT_EQ(recent.Get("a"), std::string(10, 'a'));
  EXPECT_EQ(recent.Get("c"), std::string(10, 'c'));
  EXPECT_EQ(recent.Get("d"), std::string(10, 'd'));
  EXPECT_LE(recent.bytes(), 33u);
}

TEST(RecentPlans, AKeyHoldsItsFirstBytesAndTooLargeIsNotKept) {
  RecentPlans recent(20, absl::Hours(1));
  recent.Put("k", "first");
  recent.Put("k", "second");  // the same key always holds the same plan
  EXPECT_EQ(recent.Get("k"), "first");
  recent.Put("big", std::string(30, 'x'));
  EXPECT_FALSE(recent.Get("big").has_value());
  EXPECT_EQ(recent.Get("k"), "first");
}

TEST(RecentPlans, ACopyOlderThanItsMaximumAgeIsGone) {
  RecentPlans recent(100, absl::Milliseconds(50));
  recent.Put("k", "plan");
  EXPECT_EQ(recent.Get("k"), "plan");
  absl::SleepFor(absl::Milliseconds(80));
  EXPECT_FALSE(recent.Get("k").has_value());
  EXPECT_EQ(recent.bytes(), 0u);
}

TEST(RecentPlans, ZeroCapacityKeepsNothing) {
  RecentPlans recent(0, absl::Hours(1));
  recent.Put("k", "plan");
  EXPECT_FALSE(recent.Get("k").has_value());
  EXPECT_EQ(recent.bytes(), 0u);
}

}  // namespace
}  // namespace osteoflow::scheduling

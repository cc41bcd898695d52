// A finished week read for a report: without its plan when it carries its
// progress, whole when it is too old to.
#include "services/progress/encoding/week_wire.h"

#include <gtest/gtest.h>

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;

v1::ProgramWeek Week(bool with_progress) {
  v1::ProgramWeek week;
  week.set_week_index(3);
  week.mutable_plan()->set_week_index(3);
  week.mutable_plan()->set_week_start_date("2026-12-07");
  week.add_decisions()->set_exercise("exercises/sit-to-stand");
  if (with_progress) {
    week.mutable_progress()->set_week_index(3);
    week.mutable_progress()->set_sessions_logged(4);
    week.add_alerts()->set_message("a fall");
  }
  return week;
}

TEST(WeekForReport, AWeekWithItsProgressIsReadWithoutItsPlan) {
  const v1::ProgramWeek stored = Week(true);
  v1::ProgramWeek read;
  ASSERT_TRUE(ParseWeekForReport(stored.SerializeAsString(), &read));
  EXPECT_FALSE(read.has_plan());
  EXPECT_EQ(read.week_index(), 3);
  EXPECT_EQ(read.progress().sessions_logged(), 4);
  ASSERT_EQ(read.decisions_size(), 1);
  ASSERT_EQ(read.alerts_size(), 1);
  EXPECT_EQ(read.alerts(0).message(), "a fall");
}

TEST(WeekForReport, AnOlderWeekWithoutItsProgressIsReadWhole) {
  const v1::ProgramWeek stored = Week(false);
  v1::ProgramWeek read;
  ASSERT_TRUE(ParseWeekForReport(stored.SerializeAsString(), &read));
  EXPECT_EQ(read.SerializeAsString(), stored.SerializeAsString());
}

TEST(WeekForReport, BytesThatAreNoWeekAreRefused) {
  v1::ProgramWeek read;
  EXPECT_FALSE(ParseWeekForReport(std::string("\x12\x40\x01", 3), &read));  // a plan longer than the bytes
  EXPECT_FALSE(ParseWeekForReport(std::string("\xff\xff\xff\xff\x0f", 5), &read));
}

}  // namespace
}  // namespace osteoflow::progress

// SpreadDays and HasNeighbours: the day picking behind strength, balance and
// impact days. Bits 0..6 are the plan's days; the week wraps (day 6 and the
// next week's day 0 are neighbours).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/scheduling/domain/day_spread.h"

namespace osteoflow::scheduling {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr uint32_t kWeek = 0x7f;

uint32_t Mask(std::initializer_list<int> days) {
  uint32_t mask = 0;
  for (const int day : days) mask |= 1u << day;
  return mask;
}

uint32_t MaskOf(const std::vector<int>& days) {
  uint32_t mask = 0;
  for (const int day : days) mask |= 1u << day;
  return mask;
}

// --- an independent oracle, written from the header's description ---------

bool Neighbours(int a, int b) {
  const int d = a > b ? a - b : b - a;
  return d == 1 || d == 6;
}

bool AnyNeighbours(uint32_t mask) {
  for (int a = 0; a < 7; ++a) {
    for (int b = a + 1; b < 7; ++b) {
      if ((mask >> a & 1u) && (mask >> b & 1u) && Neighbours(a, b)) return true;
    }
  }
  return false;
}

// Smallest circular distance between chosen days; 7 for fewer than two.
int Gap(uint32_t mask) {
  int smallest = 7;
  for (int a = 0; a < 7; ++a) {
    for (int b = a + 1; b < 7; ++b) {
      if ((mask >> a & 1u) && (mask >> b & 1u)) smallest = std::min({smallest, b - a, 7 - (b - a)});
    }
  }
  return smallest;
}

// True when `a` lists an earlier day first (plan order).
bool Earlier(uint32_t a, uint32_t b) {
  for (int day = 0; day < 7; ++day) {
    const bool in_a = (a >> day) & 1u, in_b = (b >> day) & 1u;
    if (in_a != in_b) return in_a;
  }
  return false;
}

std::vector<int> Oracle(uint32_t eligible, uint32_t preferred, int count, bool apart) {
  eligible &= kWeek;
  for (int wanted = std::min(count, 7); wanted > 0; --wanted) {
    bool found = false;
    uint32_t best = 0;
    for (uint32_t days = 1; days <= kWeek; ++days) {
      if ((days & ~eligible) || std::popcount(days) != wanted) continue;
      if (apart && AnyNeighbours(days)) continue;
      if (!found) {
        best = days;
        found = true;
        continue;
      }
      const int p_now = std::popcount(days & preferred), p_best = std::popcount(best & preferred);
      if (p_now != p_best) {
        if (p_now > p_best) best = days;
        continue;
      }
      if (Gap(days) != Gap(best)) {
        if (Gap(days) > Gap(best)) best = days;
        continue;
      }
      if (Earlier(days, best)) best = days;
    }
    if (!found) continue;
    std::vector<int> chosen;
    for (int day = 0; day < 7; ++day) {
      if (best >> day & 1u) chosen.push_back(day);
    }
    return chosen;
  }
  return {};
}

// --- HasNeighbours ----------------------------------------------------------

TEST(HasNeighbours, EmptyAndSingleDaysHaveNone) {
  EXPECT_FALSE(HasNeighbours(0));
  for (int day = 0; day < 7; ++day) EXPECT_FALSE(HasNeighbours(1u << day)) << day;
}

TEST(HasNeighbours, AdjacentDaysAreNeighbours) {
  for (int day = 0; day < 6; ++day) EXPECT_TRUE(HasNeighbours(Mask({day, day + 1}))) << day;
}

TEST(HasNeighbours, TheWeekWrapsFromItsLastDayToItsFirst) {
  EXPECT_TRUE(HasNeighbours(Mask({0, 6})));
  EXPECT_TRUE(HasNeighbours(Mask({0, 2, 4, 6})));
  EXPECT_FALSE(HasNeighbours(Mask({0, 2, 4})));
  EXPECT_FALSE(HasNeighbours(Mask({1, 3, 5})));
  EXPECT_FALSE(HasNeighbours(Mask({0, 3})));
  EXPECT_FALSE(HasNeighbours(Mask({1, 6})));
}

TEST(HasNeighbours, BitsBeyondTheWeekAreIgnored) {
  // Bit 7 is not "the day after day 6".
  EXPECT_FALSE(HasNeighbours(Mask({6}) | (1u << 7)));
  EXPECT_FALSE(HasNeighbours(Mask({0}) | 0xffffff00u));
}

TEST(HasNeighbours, AgreesWithAPairwiseCheckOnEveryMask) {
  for (uint32_t mask = 0; mask <= kWeek; ++mask) {
    EXPECT_EQ(HasNeighbours(mask), AnyNeighbours(mask)) << mask;
  }
}

// --- SpreadDays ---------------------------------------------------------------

TEST(SpreadDays, NothingEligibleOrNothingWantedGivesNoDays) {
  EXPECT_THAT(SpreadDays(0, 0, 3, false), IsEmpty());
  EXPECT_THAT(SpreadDays(0, kWeek, 3, true), IsEmpty());
  EXPECT_THAT(SpreadDays(kWeek, kWeek, 0, false), IsEmpty());
  EXPECT_THAT(SpreadDays(kWeek, kWeek, -2, true), IsEmpty());
}

TEST(SpreadDays, TwoApartDaysInAFullWeekAreAsFarApartAsTheWeekAllows) {
  // Three days apart on one side, four on the other (wrapping).
  EXPECT_THAT(SpreadDays(kWeek, 0, 2, true), ElementsAre(0, 3));
}

TEST(SpreadDays, ThreeApartDaysInAFullWeek) {
  EXPECT_THAT(SpreadDays(kWeek, 0, 3, true), ElementsAre(0, 2, 4));
}

TEST(SpreadDays, AFullWeekHoldsAtMostThreeDaysApart) {
  const std::vector<int> days = SpreadDays(kWeek, kWeek, 4, true);
  EXPECT_EQ(days.size(), 3u);
  EXPECT_FALSE(HasNeighbours(MaskOf(days)));
}

TEST(SpreadDays, WrapAroundMakesTheFirstAndLastDayNeighbours) {
  // Only the first and last day are eligible: apart, only one of them.
  EXPECT_THAT(SpreadDays(Mask({0, 6}), 0, 2, true), ElementsAre(0));
  // Without `apart` both.
  EXPECT_THAT(SpreadDays(Mask({0, 6}), 0, 2, false), ElementsAre(0, 6));
  // Days 1, 3, 5 and 6: 6 sits next to 5 and 0 is not eligible.
  const std::vector<int> days = SpreadDays(Mask({1, 3, 5, 6}), 0, 3, true);
  EXPECT_THAT(days, ElementsAre(1, 3, 5));
  // 0, 2, 4, 6: four eligible, three apart at most (6 and 0 touch).
  EXPECT_EQ(SpreadDays(Mask({0, 2, 4, 6}), 0, 4, true).size(), 3u);
}

TEST(SpreadDays, FewerEligibleDaysThanWantedGivesEveryEligibleDay) {
  EXPECT_THAT(SpreadDays(Mask({1, 4}), 0, 5, false), ElementsAre(1, 4));
  EXPECT_THAT(SpreadDays(Mask({2}), Mask({2}), 3, true), ElementsAre(2));
  // Three days running, two wanted apart: the outer two.
  EXPECT_THAT(SpreadDays(Mask({0, 1, 2}), 0, 2, true), ElementsAre(0, 2));
  // Two days running, two wanted apart: only one can be had.
  EXPECT_THAT(SpreadDays(Mask({3, 4}), 0, 2, true), ElementsAre(3));
}

TEST(SpreadDays, PreferredDaysWinOverWiderGaps) {
  EXPECT_THAT(SpreadDays(kWeek, Mask({5}), 1, false), ElementsAre(5));
  // Not apart: both preferred neighbours are taken.
  EXPECT_THAT(SpreadDays(kWeek, Mask({0, 1}), 2, false), ElementsAre(0, 1));
  // Apart: only one of two neighbouring preferred days; the other day then as
  // far from it as the week allows.
  const std::vector<int> days = SpreadDays(kWeek, Mask({1, 2}), 2, true);
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(std::popcount(MaskOf(days) & Mask({1, 2})), 1);
  EXPECT_FALSE(HasNeighbours(MaskOf(days)));
  EXPECT_EQ(Gap(MaskOf(days)), 3);
}

TEST(SpreadDays, PreferredDaysThatAreNotEligibleAreNeverChosen) {
  const std::vector<int> days = SpreadDays(Mask({0, 2, 4}), Mask({1, 3}), 2, false);
  EXPECT_EQ(MaskOf(days) & ~Mask({0, 2, 4}), 0u);
  EXPECT_EQ(days.size(), 2u);
}

TEST(SpreadDays, BitsBeyondTheWeekAreNeverChosen) {
  EXPECT_THAT(SpreadDays(Mask({0}) | 0xffffff80u, 0xffffffffu, 3, false), ElementsAre(0));
}

TEST(SpreadDays, MatchesTheDescribedOrderOnEveryEligibleMask) {
  const uint32_t preferred_masks[] = {0, kWeek, 0x55, 0x2a, Mask({6}), Mask({0, 1, 2})};
  for (uint32_t eligible = 0; eligible <= kWeek; ++eligible) {
    for (const uint32_t base : preferred_masks) {
      for (const uint32_t preferred : {base, base & eligible}) {
        for (int count = 0; count <= 8; ++count) {
          for (const bool apart : {false, true}) {
            const std::vector<int> days = SpreadDays(eligible, preferred, count, apart);
            ASSERT_EQ(days, Oracle(eligible, preferred, count, apart))
                << "eligible=" << eligible << " preferred=" << preferred << " count=" << count
                << " apart=" << apart;
            // Plan order, no repeats, within the eligible days.
            for (size_t i = 1; i < days.size(); ++i) ASSERT_LT(days[i - 1], days[i]);
            ASSERT_EQ(MaskOf(days) & ~eligible, 0u);
            if (apart) {
              ASSERT_FALSE(HasNeighbours(MaskOf(days)));
            }
            ASSERT_LE(static_cast<int>(days.size()), std::max(count, 0));
          }
        }
      }
    }
  }
}

TEST(SpreadDays, IsDeterministic) {
  for (uint32_t eligible = 0; eligible <= kWeek; ++eligible) {
    EXPECT_EQ(SpreadDays(eligible, 0x15, 3, true), SpreadDays(eligible, 0x15, 3, true));
  }
}

}  // namespace
}  // namespace osteoflow::scheduling

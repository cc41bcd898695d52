#include "services/scheduling/domain/day_spread.h"

#include <algorithm>
#include <bit>

namespace osteoflow::scheduling {
namespace {

constexpr int kDays = 7;
constexpr uint32_t kWeek = (1u << kDays) - 1;

// The smallest distance, in days and wrapping, between chosen days.
int SmallestGap(uint32_t days) {
  int first = -1, previous = -1, smallest = kDays;
  for (int day = 0; day < kDays; ++day) {
    if ((days & (1u << day)) == 0) continue;
    if (previous >= 0) smallest = std::min(smallest, day - previous);
    if (first < 0) first = day;
    previous = day;
  }
  if (first >= 0 && previous != first) smallest = std::min(smallest, first + kDays - previous);
  return smallest;
}

// Reversed bit order, so that comparing two masks compares their earliest days.
uint32_t EarliestFirst(uint32_t days) {
  uint32_t reversed = 0;
  for (int day = 0; day < kDays; ++day) {
    if (days & (1u << day)) reversed |= 1u << (kDays - 1 - day);
  }
  return reversed;
}

}  // namespace

bool HasNeighbours(uint32_t days) {
  days &= kWeek;
  return std::popcount(days) > 1 && SmallestGap(days) < 2;
}

std::vector<int> SpreadDays(uint32_t eligible, uint32_t preferred, int count, bool apart) {
  eligible &= kWeek;
  for (int wanted = std::min(count, std::popcount(eligible)); wanted > 0; --wanted) {
    uint32_t best = 0;
    bool found = false;
    for (uint32_t days = 1; days <= kWeek; ++days) {
      if ((days & ~eligible) != 0 || std::popcount(days) != wanted) continue;
      if (apart && HasNeighbours(days)) continue;
      if (!found) {
        best = days;
        found = true;
        continue;
      }
      const int preferred_now = std::popcount(days & preferred);
      const int preferred_best = std::popcount(best & preferred);
      if (preferred_now != preferred_best) {
        if (preferred_now > preferred_best) best = days;
        continue;
      }
      const int gap_now = SmallestGap(days), gap_best = SmallestGap(best);
      if (gap_now != gap_best) {
        if (gap_now > gap_best) best = days;
        continue;
      }
      if (EarliestFirst(days) > EarliestFirst(best)) best = days;
    }
    if (!found) continue;
    std::vector<int> chosen;
    for (int day = 0; day < kDays; ++day) {
      if (best & (1u << day)) chosen.push_back(day);
    }
    return chosen;
  }
  return {};
}

}  // namespace osteoflow::scheduling

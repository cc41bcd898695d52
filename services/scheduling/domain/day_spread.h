#pragma once

#include <cstdint>
#include <vector>

namespace osteoflow::scheduling {

// Days of a week are bits 0..6 of a mask, in plan order. The week wraps:
// the last day and the next week's first are neighbours, as plans repeat.

// Picks up to `count` days of `eligible`, preferring as many `preferred`
// days as possible, then the widest smallest gap between chosen days, then
// the earliest days. With `apart`, no two chosen days are neighbours. When
// `count` days cannot be had, the most that can. Deterministic; plan order.
std::vector<int> SpreadDays(uint32_t eligible, uint32_t preferred, int count, bool apart);

// Whether any two days of the mask are neighbours (the week wrapping).
bool HasNeighbours(uint32_t days);

}  // namespace osteoflow::scheduling

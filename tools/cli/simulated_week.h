#pragma once

#include <vector>

#include "absl/time/civil_time.h"
#include "osteoflow/progress/v1/session_log.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"

namespace osteoflow::tools {

// The load a simulated person picks for loaded work the plan states no load
// for yet (as its guide asks: one that allows 8-12 good repetitions).
struct FirstLoads {
  double kilograms = 8;
  osteoflow::common::v1::BandLevel band = osteoflow::common::v1::BAND_LEVEL_MEDIUM;
};

// A week done as planned, for trials and demonstrations: one session log per
// day of `plan` that has sessions, up to `last_day` (a log cannot be dated in
// the future), each planned item done in full. Strength sets are logged at
// `strength_reps` repetitions (above 12 shows the load going up next week),
// other sets at the top of their range; loaded work at the load planned, or
// at `first` when the plan states none yet (the load progressed next week is
// the one logged); minutes and impacts as planned; effort 6 of 10, no pain,
// form kept.
std::vector<osteoflow::progress::v1::SessionLog> SessionsAsPlanned(const osteoflow::scheduling::v1::WeeklyPlan& plan,
                                                                    int strength_reps, const FirstLoads& first,
                                                                    absl::CivilDay last_day);

}  // namespace osteoflow::tools

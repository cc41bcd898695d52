#pragma once

#include <string>

#include "osteoflow/progress/v1/session_log.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"

namespace osteoflow::progress {

// The PROG-BALANCE step after `from`: the same level without hand support,
// else the next level with it. `moved` is false at the top of the ladder.
struct BalanceStepChange {
  bool moved = false;
  osteoflow::catalog::v1::BalanceLevel level = osteoflow::catalog::v1::BALANCE_LEVEL_UNSPECIFIED;
  bool hand_support = false;
  // For example "tandem without holding on".
  std::string words;
};
BalanceStepChange NextBalanceStep(const osteoflow::scheduling::v1::ExerciseProgression& from);

// Whether a log shows a balance item done as planned: every planned set with
// at least the planned repetitions (holds), or the planned minutes.
bool HeldAsPlanned(const osteoflow::scheduling::v1::PlanItem& planned,
                   const osteoflow::progress::v1::ItemLog& log);

}  // namespace osteoflow::progress

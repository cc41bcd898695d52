#pragma once

#include <vector>

#include "osteoflow/progress/v1/progress_report.pb.h"
#include "osteoflow/progress/v1/session_log.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "services/progress/domain/progression_rules.h"

namespace osteoflow::progress {

// Next week's doses and the decisions that set them.
struct WeekProgression {
  // One entry per exercise with a dose to carry (strength in sets and reps,
  // weight-bearing minutes, impacts), sorted by exercise name; exercises
  // carried from before but not planned this week keep their state.
  std::vector<osteoflow::scheduling::v1::ExerciseProgression> next;
  // One per exercise planned this week, by name, each citing its PROG-* rules.
  std::vector<osteoflow::progress::v1::ProgressionDecision> decisions;
};

// Applies the progression rules to one week: its plan, the sessions logged
// in it, and where each exercise stood (`current`, from the week before;
// empty in week 1, when the plan's own doses are the starting point).
// Deterministic; knows nothing of storage or transport.
//
// Per exercise, first match wins: not logged → hold; pain at or above
// comfort.reduce_pain → reduce (PROG-SORE); pain at or above hold_pain, or
// any session's soreness beyond soreness_hours → hold (PROG-SORE); form
// broken → hold (PROG-FORM). Then strength, from the load logged (the
// lowest of the week, judged on the sets done at it) on the gear the plan
// item names: more than reps_top on every set → the gear's next real load
// (2-10 % up) or band level with reps back to reps_bottom, or one more set
// where the load cannot rise (body weight, a step above 10 %, a vest before
// its comfortable weeks) (PROG-LOAD, PROG-ONE, PROG-VEST); fewer than
// reps_bottom → one real step down; loaded work logged without a load and
// outside the range → hold, asking for the load; otherwise one more rep if
// the week's volume rises no more than the limit (PROG-ONE, PROG-VOLUME).
// Minutes and impacts done in full rise by their step towards their targets
// (PROG-VOLUME, PROG-IMPACT).
WeekProgression ProgressWeek(
    const osteoflow::scheduling::v1::WeeklyPlan& plan,
    const std::vector<osteoflow::progress::v1::SessionLog>& logs,
    const google::protobuf::RepeatedPtrField<osteoflow::scheduling::v1::ExerciseProgression>& current,
    const ProgressionRules& rules, int next_week_index);

}  // namespace osteoflow::progress

#pragma once

#include "osteoflow/scheduling/v1/plan.pb.h"
#include "services/scheduling/domain/plan_candidates.h"
#include "services/scheduling/domain/plan_draft.h"

namespace osteoflow::scheduling {

// What a plan's item says about one catalog entry: the exercise, its cues
// and tempo, its dose and the rules behind them.
class PlanItemWriter {
 public:
  PlanItemWriter(const PlanBasis& basis, const ExerciseCandidates& candidates)
      : basis_(basis), candidates_(candidates) {}

  // The entry with its component's text and the cues the screening's
  // restrictions ask for; no dose or time yet.
  osteoflow::scheduling::v1::PlanItem NewItem(const PlanningEntry& entry,
                                              const osteoflow::scheduling::v1::ComponentText& text) const;

  // The same at the catalog's own dose, given `minutes`.
  osteoflow::scheduling::v1::PlanItem AtCatalogDose(const PlanningEntry& entry,
                                                    const osteoflow::scheduling::v1::ComponentText& text,
                                                    int minutes) const;

  // A strength exercise with its sets, reps and load: from recorded progress
  // when there is some, otherwise the starting dose.
  osteoflow::scheduling::v1::PlanItem Strength(const PlanningEntry& entry) const;

  // An enjoyed non-weight-bearing activity: its usual time (or `shortest`)
  // but never more than `room`.
  osteoflow::scheduling::v1::PlanItem EnjoyedNonWeightBearing(const PlanningEntry& entry, int shortest,
                                                              int room) const;

 private:
  const PlanBasis& basis_;
  const ExerciseCandidates& candidates_;
};

// The time an item is given; a timed dose (Tai Chi's 20 minutes) says the
// same, never more than the day holds.
void SetMinutes(osteoflow::scheduling::v1::PlanItem& item, int minutes);

}  // namespace osteoflow::scheduling

#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "osteoflow/scheduling/v1/plan_rules.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "services/scheduling/domain/planning_catalog.h"

namespace osteoflow::scheduling {

// Which of a component's entries a choice looks at (one movement pattern,
// static stances only, ...).
using EntryFilter = absl::FunctionRef<bool(const PlanningEntry&)>;

// The catalog entries one person may be given: allowed by the screening's
// restrictions without modification (or with none but a continuation's, for
// an activity the person already does, IMP-CONTINUE), never a SUP-HIGHLOAD
// exercise, and possible with the equipment at hand. Decided once per entry, then ranked
// by what the person enjoys, dislikes and has progressed on.
class ExerciseCandidates {
 public:
  ExerciseCandidates(const osteoflow::scheduling::v1::PlanInputs& inputs, const PlanningCatalog& catalog,
                     const osteoflow::scheduling::v1::PlanRulesDocument& rules);

  // Whether the component has any usable entry at all.
  bool Any(osteoflow::scheduling::v1::Component component) const { return !usable_[component].empty(); }

  // The usable entries of a component passing `keep`, best first: the ones
  // the person enjoys, then (with `keep_progressed`) ones with a recorded
  // progression, then the rest turned by `turn`, and disliked ones last.
  std::vector<const PlanningEntry*> Choices(osteoflow::scheduling::v1::Component component,
                                            EntryFilter keep, int turn, bool keep_progressed) const;

  // The usable entries of a component the person enjoys, in catalog order.
  std::vector<const PlanningEntry*> Enjoyed(osteoflow::scheduling::v1::Component component) const;

  bool IsDisliked(const PlanningEntry& entry) const;

  // Why a component has nothing to offer: the restrictions (naming the rules
  // that refused its entries) or missing equipment.
  std::string NothingUsable(osteoflow::scheduling::v1::Component component, EntryFilter keep) const;

  // The progress recorded for an exercise id, or null.
  const osteoflow::scheduling::v1::ExerciseProgression* ProgressionOf(absl::string_view exercise_id) const;
  const osteoflow::scheduling::v1::ExerciseProgression* ProgressionOf(const PlanningEntry& entry) const;

 private:
  enum class Liking { kEnjoyed, kNeutral, kDisliked };
  struct Candidate {
    const PlanningEntry* entry;
    Liking liking;
    bool progressed;
  };

  bool Permitted(const PlanningEntry& entry) const;
  bool TooHeavyAlone(const osteoflow::catalog::v1::Exercise& exercise) const;
  bool Equipped(const PlanningEntry& entry) const { return (entry.equipment & ~have_equipment_) == 0; }

  const PlanningCatalog& catalog_;
  const osteoflow::scheduling::v1::PlanRulesDocument& rules_;
  const osteoflow::common::v1::Restrictions& restrictions_;
  const uint32_t have_equipment_;
  absl::flat_hash_map<std::string, const osteoflow::scheduling::v1::ExerciseProgression*> progression_;
  // Per component, in catalog order: the entries allowed and equipped.
  std::array<std::vector<Candidate>, osteoflow::scheduling::v1::Component_ARRAYSIZE> usable_;
};

}  // namespace osteoflow::scheduling

#include "services/scheduling/domain/plan_candidates.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/catalog/restriction_match.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace common = osteoflow::common::v1;

}  // namespace

ExerciseCandidates::ExerciseCandidates(const v1::PlanInputs& inputs, const PlanningCatalog& catalog,
                                       const v1::PlanRulesDocument& rules)
    : catalog_(catalog),
      rules_(rules),
      restrictions_(inputs.screening_result().restrictions()),
      have_equipment_(EquipmentMask(inputs.preferences().equipment())) {
  for (const v1::ExerciseProgression& progression : inputs.progression()) {
    if (absl::StatusOr<std::string> id = catalog::ParseExerciseName(progression.exercise(), "");
        id.ok()) {
      progression_[*id] = &progression;
    }
  }
  absl::flat_hash_set<absl::string_view> enjoyed, disliked;
  constexpr absl::string_view kPrefix = "exercises/";
  for (const std::string& name : inputs.preferences().enjoyed_exercises()) {
    enjoyed.insert(absl::string_view(name).substr(std::min(kPrefix.size(), name.size())));
  }
  for (const std::string& name : inputs.preferences().disliked_exercises()) {
    disliked.insert(absl::string_view(name).substr(std::min(kPrefix.size(), name.size())));
  }
  for (int component = 0; component < v1::Component_ARRAYSIZE; ++component) {
    for (const PlanningEntry& entry : catalog_.entries(static_cast<v1::Component>(component))) {
      if (!Equipped(entry) || !Permitted(entry)) continue;
      const std::string& id = entry.exercise->id();
      usable_[component].push_back(
          Candidate{&entry,
                    disliked.contains(id)  ? Liking::kDisliked
                    : enjoyed.contains(id) ? Liking::kEnjoyed
                                           : Liking::kNeutral,
                    progression_.contains(id)});
    }
  }
}

bool ExerciseCandidates::Permitted(const PlanningEntry& entry) const {
  // As it stands, or an activity the person already does that only its
  // continuation lets through (IMP-CONTINUE); a new starter has no
  // continuation and so never gets it.
  const common::ActivityContinuation* continued = nullptr;
  switch (catalog::VerdictOf(*entry.exercise, restrictions_)) {
    case catalog_v1::VERDICT_ALLOWED:
      break;
    case catalog_v1::VERDICT_ALLOWED_WITH_MODIFICATION:
      continued = catalog::ContinuationApplied(*entry.exercise, restrictions_);
      if (continued == nullptr || catalog::ExceedsCaps(*entry.exercise, restrictions_)) return false;
      break;
    default:
      return false;
  }
  if (TooHeavyAlone(*entry.exercise)) return false;
  for (const int tag : entry.exercise->safety_tags()) {
    // The person's own activity keeps what its continuation lifts.
    if (continued != nullptr && catalog::Lifts(*continued, tag)) continue;
    for (const int never : rules_.never_planned_tags()) {
      if (tag == never) return false;
    }
  }
  if (entry.component == v1::COMPONENT_FLEXIBILITY) {
    for (const int tag : entry.exercise->safety_tags()) {
      for (const int never : rules_.flexibility().never_tags()) {
        if (tag == never) return false;
      }
    }
  }
  return true;
}

// SUP-HIGHLOAD: what a plan followed alone never holds.
bool ExerciseCandidates::TooHeavyAlone(const catalog_v1::Exercise& exercise) const {
  const v1::StrengthDose& strength = rules_.strength();
  if (exercise.load_percent_one_rep_max() > strength.unsupervised_max_percent_one_rep_max()) return true;
  for (const int tag : exercise.safety_tags()) {
    for (const int never : strength.unsupervised_never_tags()) {
      if (tag == never) return true;
    }
  }
  return false;
}

bool ExerciseCandidates::IsDisliked(const PlanningEntry& entry) const {
  for (const Candidate& candidate : usable_[entry.component]) {
    if (candidate.entry == &entry) return candidate.liking == Liking::kDisliked;
  }
  return false;
}

std::vector<const PlanningEntry*> ExerciseCandidates::Choices(v1::Component component, EntryFilter keep,
                                                              int turn, bool keep_progressed) const {
  std::vector<const PlanningEntry*> enjoyed, progressed, neutral, disliked;
  for (const Candidate& candidate : usable_[component]) {
    if (!keep(*candidate.entry)) continue;
    if (candidate.liking == Liking::kDisliked) {
      disliked.push_back(candidate.entry);
    } else if (candidate.liking == Liking::kEnjoyed) {
      enjoyed.push_back(candidate.entry);
    } else if (keep_progressed && candidate.progressed) {
      progressed.push_back(candidate.entry);
    } else {
      neutral.push_back(candidate.entry);
    }
  }
  // Variety without randomness: equal choices take turns.
  if (!neutral.empty()) {
    std::rotate(neutral.begin(), neutral.begin() + (turn % static_cast<int>(neutral.size())),
                neutral.end());
  }
  std::vector<const PlanningEntry*> ordered = std::move(enjoyed);
  ordered.insert(ordered.end(), progressed.begin(), progressed.end());
  ordered.insert(ordered.end(), neutral.begin(), neutral.end());
  ordered.insert(ordered.end(), disliked.begin(), disliked.end());
  return ordered;
}

std::vector<const PlanningEntry*> ExerciseCandidates::Enjoyed(v1::Component component) const {
  std::vector<const PlanningEntry*> enjoyed;
  for (const Candidate& candidate : usable_[component]) {
    if (candidate.liking == Liking::kEnjoyed) enjoyed.push_back(candidate.entry);
  }
  return enjoyed;
}

std::string ExerciseCandidates::NothingUsable(v1::Component component, EntryFilter keep) const {
  bool permitted = false;
  std::string needs;
  std::vector<std::string> refusing;
  for (const PlanningEntry& entry : catalog_.entries(component)) {
    if (!keep(entry)) continue;
    if (Permitted(entry)) {
      permitted = true;
      if (needs.empty()) needs = entry.exercise->display_name();
      continue;
    }
    for (const catalog_v1::Finding& finding :
         catalog::CheckExercise(*entry.exercise, restrictions_, catalog_.catalog()).findings) {
      const std::string& id = finding.rule().rule_id();
      if (std::find(refusing.begin(), refusing.end(), id) == refusing.end()) refusing.push_back(id);
    }
  }
  if (!permitted) {
    if (refusing.empty()) {
      return "every catalog exercise for it is one a plan never holds (an AVOID-* movement, a "
             "spinal-flexion stretch or a load of 80 % of one-repetition maximum or more)";
    }
    std::sort(refusing.begin(), refusing.end());
    return absl::StrCat("the screening's restrictions (", absl::StrJoin(refusing, ", "),
                        ") allow none of its exercises");
  }
  return absl::StrCat("every allowed choice needs equipment not at hand (for example ", needs, ")");
}

const v1::ExerciseProgression* ExerciseCandidates::ProgressionOf(absl::string_view exercise_id) const {
  auto found = progression_.find(exercise_id);
  return found != progression_.end() ? found->second : nullptr;
}

const v1::ExerciseProgression* ExerciseCandidates::ProgressionOf(const PlanningEntry& entry) const {
  return ProgressionOf(entry.exercise->id());
}

}  // namespace osteoflow::scheduling

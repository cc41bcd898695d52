#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "osteoflow/catalog/v1/catalog_service.pb.h"
#include "osteoflow/common/v1/clinical.pb.h"
#include "libs/catalog/exercise_catalog.h"

namespace osteoflow::catalog {

// The one implementation of "does this exercise respect these restrictions".
// The catalog's EvaluateActivity answers with it and scheduling filters its
// candidates with it, so the two can never disagree.

// Checks restrictions as screening produces them: a valid impact ceiling with
// the rules that set it, known tags, a rule behind every cap, and
// continuations that name a catalog exercise once each, cite their rule, say
// how to continue, lift no movement class that is never lifted and stand
// beside an impact ceiling of at least moderate without a fall-risk
// exclusion. Field names in errors start with `field` ("restrictions").
absl::Status ValidateRestrictions(const osteoflow::common::v1::Restrictions& restrictions,
                                  absl::string_view field);

// What the restrictions say about one exercise, without looking for alternatives.
struct RestrictionCheck {
  osteoflow::catalog::v1::Verdict verdict = osteoflow::catalog::v1::VERDICT_ALLOWED;
  std::vector<osteoflow::catalog::v1::Finding> findings;
  std::vector<std::string> modifications;
};

// `catalog` supplies tag definitions (the rule and reason behind each tag)
// and the NWB rule. Restrictions must have passed ValidateRestrictions.
RestrictionCheck CheckExercise(const osteoflow::catalog::v1::Exercise& exercise,
                               const osteoflow::common::v1::Restrictions& restrictions,
                               const ExerciseCatalog& catalog);

// CheckExercise's verdict alone, without building findings: for callers that
// filter many entries (scheduling's candidates). An entry held back only by
// what its continuation lifts is ALLOWED_WITH_MODIFICATION (IMP-CONTINUE).
osteoflow::catalog::v1::Verdict VerdictOf(const osteoflow::catalog::v1::Exercise& exercise,
                                          const osteoflow::common::v1::Restrictions& restrictions);

// Whether the restrictions allow the exercise, possibly with modification.
bool IsAllowed(const osteoflow::catalog::v1::Exercise& exercise,
               const osteoflow::common::v1::Restrictions& restrictions);

// The continuation the exercise is allowed by: the restrictions' continuation
// of it when the exercise is held back by the impact ceiling or an excluded
// tag and the continuation lifts all of that. Null when it is not held back,
// has no continuation, or is held back by something its continuation does
// not lift.
const osteoflow::common::v1::ActivityContinuation* ContinuationApplied(
    const osteoflow::catalog::v1::Exercise& exercise,
    const osteoflow::common::v1::Restrictions& restrictions);

// Whether the aerobic intensity cap or the load cap asks the exercise to be
// done lighter.
bool ExceedsCaps(const osteoflow::catalog::v1::Exercise& exercise,
                 const osteoflow::common::v1::Restrictions& restrictions);

// Whether a continuation sets the tag aside.
bool Lifts(const osteoflow::common::v1::ActivityContinuation& continuation, int tag);

// The full EvaluateActivity answer: the check, whether it counts as
// weight-bearing, the dose, and for a not-recommended entry the first entry
// allowed to a new starter (continuations aside) among its safer
// alternative, then easier variants, searched breadth first in catalog order
// (deterministic).
osteoflow::catalog::v1::EvaluateActivityResponse EvaluateActivity(
    const osteoflow::catalog::v1::Exercise& exercise,
    const osteoflow::common::v1::Restrictions& restrictions, const ExerciseCatalog& catalog);

}  // namespace osteoflow::catalog

#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "osteoflow/catalog/v1/catalog_service.pb.h"
#include "osteoflow/common/v1/clinical.pb.h"
#include "libs/catalog/exercise_catalog.h"

namespace osteoflow::catalog {

// The one implementation of "does this exercise respect these restrictions".
// The catalog's EvaluateActivity answers with it and scheduling filters its
// candidates with it, so the two can never disagree.

// Checks restrictions as screening produces them: a valid impact ceiling with
// the rules that set it, known tags, and a rule behind every cap. Field names
// in errors start with `field` ("restrictions").
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
// filter many entries (scheduling's candidates).
osteoflow::catalog::v1::Verdict VerdictOf(const osteoflow::catalog::v1::Exercise& exercise,
                                          const osteoflow::common::v1::Restrictions& restrictions);

// Whether the restrictions allow the exercise, possibly with modification.
bool IsAllowed(const osteoflow::catalog::v1::Exercise& exercise,
               const osteoflow::common::v1::Restrictions& restrictions);

// The full EvaluateActivity answer: the check, whether it counts as
// weight-bearing, the dose, and for a not-recommended entry the first allowed
// entry among its safer alternative, then easier variants, searched breadth
// first in catalog order (deterministic).
osteoflow::catalog::v1::EvaluateActivityResponse EvaluateActivity(
    const osteoflow::catalog::v1::Exercise& exercise,
    const osteoflow::common::v1::Restrictions& restrictions, const ExerciseCatalog& catalog);

}  // namespace osteoflow::catalog

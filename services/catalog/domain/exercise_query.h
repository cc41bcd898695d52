#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "osteoflow/catalog/v1/catalog_service.pb.h"
#include "libs/catalog/exercise_catalog.h"

namespace osteoflow::catalog {

inline constexpr int kDefaultPageSize = 25;
inline constexpr int kMaxPageSize = 100;

// One page of a filtered listing.
struct ExercisePage {
  std::vector<const osteoflow::catalog::v1::Exercise*> exercises;
  std::string next_page_token;  // empty on the last page
  int total_size = 0;
};

// Whether an entry passes every filter of the request.
bool MatchesFilters(const osteoflow::catalog::v1::Exercise& exercise,
                    const osteoflow::catalog::v1::ListExercisesRequest& request);

// Applies the request's filters and pagination. The page token is opaque and
// bound to the filters and the catalog content: reusing it with other filters,
// or after the catalog changed, is INVALID_ARGUMENT naming page_token.
absl::StatusOr<ExercisePage> ListExercises(
    const ExerciseCatalog& catalog, const osteoflow::catalog::v1::ListExercisesRequest& request);

}  // namespace osteoflow::catalog

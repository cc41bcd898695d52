#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "libs/catalog/exercise_catalog.h"

namespace osteoflow::scheduling {

// The exercise catalog plans are made from: the validated catalog itself, so
// that restrictions are matched by the same library that answers the
// catalog's EvaluateActivity. Held in memory per content digest, never
// fetched per plan.
class CatalogGateway {
 public:
  virtual ~CatalogGateway() = default;

  // The catalog held now. UNAVAILABLE when the catalog service cannot be
  // reached and no catalog is held yet.
  virtual absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> Current() = 0;

  // The catalog held now, without ever waiting on the catalog service (no
  // refresh is started); nullptr when none is held yet.
  virtual std::shared_ptr<const catalog::ExerciseCatalog> Held() = 0;
};

}  // namespace osteoflow::scheduling

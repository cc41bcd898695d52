#pragma once

#include <memory>

#include "absl/status/status.h"
#include "common/proto/borrowed_wire.h"
#include "osteoflow/catalog/v1/catalog_service.pb.h"
#include "libs/catalog/exercise_catalog.h"

namespace osteoflow::catalog {

// The catalog's use cases, each checking its request and answering from the
// catalog held in memory. Entries and the whole document are answered with
// the wire forms made at load, with no copy or serialisation per call.
class CatalogQueries {
 public:
  explicit CatalogQueries(std::shared_ptr<const ExerciseCatalog> catalog) : catalog_(std::move(catalog)) {}

  // NOT_FOUND when no entry has that name.
  absl::Status GetExercise(const v1::GetExerciseRequest& request, BorrowedWire* exercise) const;
  // One page of the filtered listing, ordered by id.
  absl::Status ListExercises(const v1::ListExercisesRequest& request, BorrowedWire* page) const;
  absl::Status GetCatalogInfo(const v1::GetCatalogInfoRequest& request, v1::CatalogInfo* info) const;
  // Whether the exercise suits the restrictions, and what to do instead.
  absl::Status EvaluateActivity(const v1::EvaluateActivityRequest& request,
                                v1::EvaluateActivityResponse* verdict) const;
  absl::Status GetCatalogDocument(const v1::GetCatalogDocumentRequest& request, BorrowedWire* document) const;

 private:
  const std::shared_ptr<const ExerciseCatalog> catalog_;
};

}  // namespace osteoflow::catalog

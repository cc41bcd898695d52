#include "services/catalog/domain/catalog_queries.h"

#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"
#include "services/catalog/domain/exercise_query.h"
#include "libs/catalog/restriction_match.h"

namespace osteoflow::catalog {
namespace {

absl::StatusOr<const v1::Exercise*> FindByName(const ExerciseCatalog& catalog, const std::string& name,
                                               absl::string_view field) {
  absl::StatusOr<std::string> id = ParseExerciseName(name, field);
  if (!id.ok()) return id.status();
  const v1::Exercise* exercise = catalog.Find(*id);
  if (exercise == nullptr) return absl::NotFoundError(absl::StrCat(field, ": no exercise ", name));
  return exercise;
}

}  // namespace

absl::Status CatalogQueries::GetExercise(const v1::GetExerciseRequest& request, BorrowedWire* exercise) const {
  absl::StatusOr<const v1::Exercise*> found = FindByName(*catalog_, request.name(), "name");
  if (!found.ok()) return found.status();
  exercise->pieces.push_back(catalog_->Wire(**found).exercise);
  return absl::OkStatus();
}

absl::Status CatalogQueries::ListExercises(const v1::ListExercisesRequest& request, BorrowedWire* page) const {
  absl::StatusOr<ExercisePage> listed = osteoflow::catalog::ListExercises(*catalog_, request);
  if (!listed.ok()) return listed.status();
  // A page's wire form is its entries' list items followed by the page's
  // own fields.
  page->pieces.reserve(listed->exercises.size());
  for (const v1::Exercise* exercise : listed->exercises) page->pieces.push_back(catalog_->Wire(*exercise).list_item);
  v1::ListExercisesResponse tail;
  tail.set_next_page_token(std::move(listed->next_page_token));
  tail.set_total_size(listed->total_size);
  page->tail = tail.SerializeAsString();
  return absl::OkStatus();
}

absl::Status CatalogQueries::GetCatalogInfo(const v1::GetCatalogInfoRequest&, v1::CatalogInfo* info) const {
  info->set_version(catalog_->version());
  info->set_exercise_count(catalog_->size());
  info->set_content_digest(catalog_->content_digest());
  return absl::OkStatus();
}

absl::Status CatalogQueries::EvaluateActivity(const v1::EvaluateActivityRequest& request,
                                              v1::EvaluateActivityResponse* verdict) const {
  if (!request.has_restrictions()) return InvalidField("restrictions", "required, in the shape screening returns");
  if (absl::Status valid = ValidateRestrictions(request.restrictions(), "restrictions"); !valid.ok()) return valid;
  absl::StatusOr<const v1::Exercise*> exercise = FindByName(*catalog_, request.exercise(), "exercise");
  if (!exercise.ok()) return exercise.status();
  *verdict = osteoflow::catalog::EvaluateActivity(**exercise, request.restrictions(), *catalog_);
  return absl::OkStatus();
}

absl::Status CatalogQueries::GetCatalogDocument(const v1::GetCatalogDocumentRequest&, BorrowedWire* document) const {
  document->pieces.push_back(catalog_->DocumentWire());
  return absl::OkStatus();
}

}  // namespace osteoflow::catalog

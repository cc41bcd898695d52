#include "services/catalog/grpc/catalog_service.h"

#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"
#include "common/server/unary_finish.h"
#include "services/catalog/domain/exercise_query.h"
#include "services/catalog/domain/restriction_match.h"

namespace osteoflow::catalog {
namespace {

absl::StatusOr<const v1::Exercise*> FindByName(const ExerciseCatalog& catalog,
                                               const std::string& name, absl::string_view field) {
  absl::StatusOr<std::string> id = ParseExerciseName(name, field);
  if (!id.ok()) return id.status();
  const v1::Exercise* exercise = catalog.Find(*id);
  if (exercise == nullptr) return absl::NotFoundError(absl::StrCat(field, ": no exercise ", name));
  return exercise;
}

}  // namespace

grpc::ServerUnaryReactor* CatalogServiceImpl::GetExercise(grpc::CallbackServerContext* context,
                                                          const v1::GetExerciseRequest* request,
                                                          v1::Exercise* response) {
  absl::StatusOr<const v1::Exercise*> exercise = FindByName(*catalog_, request->name(), "name");
  if (exercise.ok()) *response = **exercise;
  return FinishUnary(context, exercise.status());
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListExercises(
    grpc::CallbackServerContext* context, const v1::ListExercisesRequest* request,
    v1::ListExercisesResponse* response) {
  absl::StatusOr<ExercisePage> page = osteoflow::catalog::ListExercises(*catalog_, *request);
  if (page.ok()) {
    response->mutable_exercises()->Reserve(static_cast<int>(page->exercises.size()));
    for (const v1::Exercise* exercise : page->exercises) *response->add_exercises() = *exercise;
    response->set_next_page_token(std::move(page->next_page_token));
    response->set_total_size(page->total_size);
  }
  return FinishUnary(context, page.status());
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCatalogInfo(grpc::CallbackServerContext* context,
                                                             const v1::GetCatalogInfoRequest*,
                                                             v1::CatalogInfo* response) {
  response->set_version(catalog_->version());
  response->set_exercise_count(catalog_->size());
  response->set_content_digest(catalog_->content_digest());
  return FinishUnary(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* CatalogServiceImpl::EvaluateActivity(
    grpc::CallbackServerContext* context, const v1::EvaluateActivityRequest* request,
    v1::EvaluateActivityResponse* response) {
  if (!request->has_restrictions()) {
    return FinishUnary(context, InvalidField("restrictions", "required, in the shape screening returns"));
  }
  if (absl::Status valid = ValidateRestrictions(request->restrictions(), "restrictions");
      !valid.ok()) {
    return FinishUnary(context, valid);
  }
  absl::StatusOr<const v1::Exercise*> exercise =
      FindByName(*catalog_, request->exercise(), "exercise");
  if (exercise.ok()) {
    *response = osteoflow::catalog::EvaluateActivity(**exercise, request->restrictions(), *catalog_);
  }
  return FinishUnary(context, exercise.status());
}

}  // namespace osteoflow::catalog

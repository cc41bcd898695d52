#include "services/catalog/grpc/catalog_service.h"

#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"
#include "common/server/call_access.h"
#include "common/server/raw_messages.h"
#include "common/server/unary_answer.h"
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

// For the methods answered from wire forms made at load: parse, then admit
// the caller (reference data, so nothing to audit).
absl::Status ParseAndAdmit(const grpc::CallbackServerContext& context, absl::string_view method,
                           const grpc::ByteBuffer& request, google::protobuf::Message& parsed) {
  if (absl::Status read = ParseRequest(request, parsed); !read.ok()) return read;
  return CallAccess::Admit(context, method, parsed).status();
}

}  // namespace

grpc::ServerUnaryReactor* CatalogServiceImpl::GetExercise(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request,
                                                          grpc::ByteBuffer* response) {
  v1::GetExerciseRequest parsed;
  if (absl::Status read = ParseAndAdmit(*context, "/osteoflow.catalog.v1.CatalogService/GetExercise", *request, parsed);
      !read.ok()) {
    return FinishUnary(context, read);
  }
  absl::StatusOr<const v1::Exercise*> exercise = FindByName(*catalog_, parsed.name(), "name");
  if (exercise.ok()) {
    const std::string& wire = catalog_->Wire(**exercise).exercise;
    grpc::Slice slice(wire.data(), wire.size(), grpc::Slice::STATIC_SLICE);
    *response = grpc::ByteBuffer(&slice, 1);
  }
  return FinishUnary(context, exercise.status());
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListExercises(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  v1::ListExercisesRequest parsed;
  if (absl::Status read = ParseAndAdmit(*context, "/osteoflow.catalog.v1.CatalogService/ListExercises", *request, parsed);
      !read.ok()) {
    return FinishUnary(context, read);
  }
  absl::StatusOr<ExercisePage> page = osteoflow::catalog::ListExercises(*catalog_, parsed);
  if (page.ok()) {
    // A page's wire form is its entries' list items followed by the page's
    // own fields: concatenated messages of one type merge, repeated fields append.
    std::vector<grpc::Slice> slices;
    slices.reserve(page->exercises.size() + 1);
    for (const v1::Exercise* exercise : page->exercises) {
      const std::string& item = catalog_->Wire(*exercise).list_item;
      slices.emplace_back(item.data(), item.size(), grpc::Slice::STATIC_SLICE);
    }
    v1::ListExercisesResponse tail;
    tail.set_next_page_token(std::move(page->next_page_token));
    tail.set_total_size(page->total_size);
    slices.emplace_back(tail.SerializeAsString());
    *response = grpc::ByteBuffer(slices.data(), slices.size());
  }
  return FinishUnary(context, page.status());
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCatalogInfo(grpc::CallbackServerContext* context,
                                                             const grpc::ByteBuffer* request,
                                                             grpc::ByteBuffer* response) {
  return AnswerUnary<v1::GetCatalogInfoRequest, v1::CatalogInfo>(
      context, "/osteoflow.catalog.v1.CatalogService/GetCatalogInfo", request, response, [this](const auto&, v1::CatalogInfo* info) {
        info->set_version(catalog_->version());
        info->set_exercise_count(catalog_->size());
        info->set_content_digest(catalog_->content_digest());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::EvaluateActivity(grpc::CallbackServerContext* context,
                                                               const grpc::ByteBuffer* request,
                                                               grpc::ByteBuffer* response) {
  return AnswerUnary<v1::EvaluateActivityRequest, v1::EvaluateActivityResponse>(
      context, "/osteoflow.catalog.v1.CatalogService/EvaluateActivity", request, response,
      [this](const v1::EvaluateActivityRequest& parsed, v1::EvaluateActivityResponse* answer) {
        if (!parsed.has_restrictions()) {
          return InvalidField("restrictions", "required, in the shape screening returns");
        }
        if (absl::Status valid = ValidateRestrictions(parsed.restrictions(), "restrictions");
            !valid.ok()) {
          return valid;
        }
        absl::StatusOr<const v1::Exercise*> exercise =
            FindByName(*catalog_, parsed.exercise(), "exercise");
        if (!exercise.ok()) return exercise.status();
        *answer = osteoflow::catalog::EvaluateActivity(**exercise, parsed.restrictions(), *catalog_);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCatalogDocument(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  v1::GetCatalogDocumentRequest parsed;
  if (absl::Status read = ParseAndAdmit(*context, "/osteoflow.catalog.v1.CatalogService/GetCatalogDocument", *request, parsed);
      !read.ok()) {
    return FinishUnary(context, read);
  }
  const std::string& wire = catalog_->DocumentWire();
  grpc::Slice slice(wire.data(), wire.size(), grpc::Slice::STATIC_SLICE);
  *response = grpc::ByteBuffer(&slice, 1);
  return FinishUnary(context, absl::OkStatus());
}

}  // namespace osteoflow::catalog

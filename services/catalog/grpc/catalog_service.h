#pragma once

#include <memory>

#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "services/catalog/domain/exercise_catalog.h"

namespace osteoflow::catalog {

// Thin callback-API adapter: checks the request, asks the domain, maps the
// status. Every answer comes from memory, so handlers finish inline.
class CatalogServiceImpl final : public osteoflow::catalog::v1::CatalogService::CallbackService {
 public:
  explicit CatalogServiceImpl(std::shared_ptr<const ExerciseCatalog> catalog)
      : catalog_(std::move(catalog)) {}

  grpc::ServerUnaryReactor* GetExercise(grpc::CallbackServerContext* context,
                                        const v1::GetExerciseRequest* request,
                                        v1::Exercise* response) override;
  grpc::ServerUnaryReactor* ListExercises(grpc::CallbackServerContext* context,
                                          const v1::ListExercisesRequest* request,
                                          v1::ListExercisesResponse* response) override;
  grpc::ServerUnaryReactor* GetCatalogInfo(grpc::CallbackServerContext* context,
                                           const v1::GetCatalogInfoRequest* request,
                                           v1::CatalogInfo* response) override;
  grpc::ServerUnaryReactor* EvaluateActivity(grpc::CallbackServerContext* context,
                                             const v1::EvaluateActivityRequest* request,
                                             v1::EvaluateActivityResponse* response) override;

 private:
  const std::shared_ptr<const ExerciseCatalog> catalog_;
};

}  // namespace osteoflow::catalog

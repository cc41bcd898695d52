#pragma once

#include <memory>

#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "services/catalog/domain/exercise_catalog.h"

namespace osteoflow::catalog {

// GetExercise and ListExercises answer with the entries' wire forms made at
// load (raw methods: no copy, no serialisation per call); the other methods
// are ordinary typed callbacks.
using CatalogServiceBase = v1::CatalogService::WithRawCallbackMethod_GetExercise<
    v1::CatalogService::WithRawCallbackMethod_ListExercises<v1::CatalogService::CallbackService>>;

// Thin callback-API adapter: checks the request, asks the domain, maps the
// status. Every answer comes from memory, so handlers finish inline.
class CatalogServiceImpl final : public CatalogServiceBase {
 public:
  explicit CatalogServiceImpl(std::shared_ptr<const ExerciseCatalog> catalog)
      : catalog_(std::move(catalog)) {}

  grpc::ServerUnaryReactor* GetExercise(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListExercises(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetCatalogInfo(grpc::CallbackServerContext* context,
                                           const v1::GetCatalogInfoRequest* request,
                                           v1::CatalogInfo* response) override;
  grpc::ServerUnaryReactor* EvaluateActivity(grpc::CallbackServerContext* context,
                                             const v1::EvaluateActivityRequest* request,
                                             v1::EvaluateActivityResponse* response) override;

 private:
  // The typed overloads stay unused; named here so they are not hidden.
  using CatalogServiceBase::GetExercise;
  using CatalogServiceBase::ListExercises;

  const std::shared_ptr<const ExerciseCatalog> catalog_;
};

}  // namespace osteoflow::catalog

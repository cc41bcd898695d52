#pragma once

#include <memory>

#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "services/catalog/domain/exercise_catalog.h"

namespace osteoflow::catalog {

// Every method takes and gives raw bytes (see common/server/raw_messages.h):
// a request that does not parse is INVALID_ARGUMENT, and GetExercise and
// ListExercises answer with the entries' wire forms made at load, with no
// copy or serialisation per call.
using CatalogServiceBase = v1::CatalogService::WithRawCallbackMethod_GetExercise<
    v1::CatalogService::WithRawCallbackMethod_ListExercises<
        v1::CatalogService::WithRawCallbackMethod_GetCatalogInfo<
            v1::CatalogService::WithRawCallbackMethod_EvaluateActivity<
                v1::CatalogService::WithRawCallbackMethod_GetCatalogDocument<
                    v1::CatalogService::Service>>>>>;

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
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* EvaluateActivity(grpc::CallbackServerContext* context,
                                             const grpc::ByteBuffer* request,
                                             grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetCatalogDocument(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;

 private:
  // The generated synchronous overloads stay unused; named so they are not hidden.
  using CatalogServiceBase::EvaluateActivity;
  using CatalogServiceBase::GetCatalogDocument;
  using CatalogServiceBase::GetCatalogInfo;
  using CatalogServiceBase::GetExercise;
  using CatalogServiceBase::ListExercises;

  const std::shared_ptr<const ExerciseCatalog> catalog_;
};

}  // namespace osteoflow::catalog

#include "services/catalog/grpc/catalog_service.h"

#include "common/server/unary_table.h"
#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "services/catalog/domain/catalog_queries.h"

namespace osteoflow::catalog {

std::unique_ptr<UnaryService> CatalogService(std::shared_ptr<const ExerciseCatalog> catalog) {
  constexpr Answering kInline = Answering::kOnCallbackThread;
  return UnaryTable<const CatalogQueries>(v1::CatalogService::service_full_name(),
                                          std::make_shared<const CatalogQueries>(std::move(catalog)), nullptr)
      .Row<v1::GetExerciseRequest, v1::Exercise, kInline>(&CatalogQueries::GetExercise)
      .Row<v1::ListExercisesRequest, v1::ListExercisesResponse, kInline>(&CatalogQueries::ListExercises)
      .Row<v1::GetCatalogInfoRequest, v1::CatalogInfo, kInline>(&CatalogQueries::GetCatalogInfo)
      .Row<v1::EvaluateActivityRequest, v1::EvaluateActivityResponse, kInline>(&CatalogQueries::EvaluateActivity)
      .Row<v1::GetCatalogDocumentRequest, v1::CatalogDocument, kInline>(&CatalogQueries::GetCatalogDocument)
      .Build();
}

}  // namespace osteoflow::catalog

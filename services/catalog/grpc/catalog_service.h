#pragma once

#include <memory>

#include "common/server/unary_service.h"
#include "libs/catalog/exercise_catalog.h"

namespace osteoflow::catalog {

// The catalog service's methods over CatalogQueries. Every answer comes from
// memory, so every method answers on the callback thread.
std::unique_ptr<UnaryService> CatalogService(std::shared_ptr<const ExerciseCatalog> catalog);

}  // namespace osteoflow::catalog

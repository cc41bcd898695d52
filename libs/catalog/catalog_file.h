#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/catalog/exercise_catalog.h"

namespace osteoflow::catalog {

// Reads a catalog file (the JSON form of CatalogDocument), rejecting unknown
// fields, and validates it. Errors name the file and the offending entry and field.
absl::StatusOr<std::shared_ptr<const ExerciseCatalog>> LoadCatalogFile(const std::string& path);

// The same from JSON text already in memory.
absl::StatusOr<std::shared_ptr<const ExerciseCatalog>> ParseCatalogJson(absl::string_view json);

}  // namespace osteoflow::catalog

#include "libs/catalog/catalog_file.h"

#include "absl/strings/str_cat.h"
#include "common/config/json_file.h"

namespace osteoflow::catalog {

absl::StatusOr<std::shared_ptr<const ExerciseCatalog>> ParseCatalogJson(absl::string_view json) {
  osteoflow::catalog::v1::CatalogDocument document;
  if (absl::Status parsed = ParseJsonMessage(json, &document); !parsed.ok()) return parsed;
  return ExerciseCatalog::Create(std::move(document));
}

absl::StatusOr<std::shared_ptr<const ExerciseCatalog>> LoadCatalogFile(const std::string& path) {
  std::string text;
  if (absl::Status read = ReadWholeFile(path, &text); !read.ok()) {
    return absl::Status(read.code(), absl::StrCat("catalog file ", read.message()));
  }
  auto catalog = ParseCatalogJson(text);
  if (!catalog.ok()) {
    return absl::Status(catalog.status().code(),
                        absl::StrCat("catalog file ", path, ": ", catalog.status().message()));
  }
  return catalog;
}

}  // namespace osteoflow::catalog

#include "services/catalog/domain/catalog_file.h"

#include <fstream>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace osteoflow::catalog {

absl::StatusOr<std::shared_ptr<const ExerciseCatalog>> ParseCatalogJson(absl::string_view json) {
  osteoflow::catalog::v1::CatalogDocument document;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &document, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("not a catalog document: ", parsed.message().as_string()));
  }
  return ExerciseCatalog::Create(std::move(document));
}

absl::StatusOr<std::shared_ptr<const ExerciseCatalog>> LoadCatalogFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("catalog file ", path, ": cannot be opened"));
  std::ostringstream text;
  text << file.rdbuf();
  auto catalog = ParseCatalogJson(text.str());
  if (!catalog.ok()) {
    return absl::Status(catalog.status().code(),
                        absl::StrCat("catalog file ", path, ": ", catalog.status().message()));
  }
  return catalog;
}

}  // namespace osteoflow::catalog

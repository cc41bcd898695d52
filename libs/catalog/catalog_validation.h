#pragma once

#include "absl/status/status.h"
#include "osteoflow/catalog/v1/catalog_document.pb.h"

namespace osteoflow::catalog {

// Checks a catalog document before it is served: ids, required attributes,
// references between entries and to sources and rules, and clinical
// contradictions (a swim marked weight-bearing, a not-recommended entry with
// no safer alternative). Returns every problem at once, each naming the entry
// and the field.
absl::Status ValidateCatalog(const osteoflow::catalog::v1::CatalogDocument& document);

// Whether a tag makes an entry unsuitable for low bone density (AVOID-* tags).
bool IsAvoidTag(osteoflow::common::v1::SafetyTag tag);

}  // namespace osteoflow::catalog

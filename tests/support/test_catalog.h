#pragma once

#include <string>

#include "osteoflow/catalog/v1/catalog_document.pb.h"

namespace osteoflow::testing {

// A small, valid catalog document for unit tests: a hip hinge, a sit-up that
// names it as the safer alternative, a walk, a jog, a swim and a heavy lift.
osteoflow::catalog::v1::CatalogDocument SmallCatalogDocument();

// Path of the catalog file shipped in the repository.
std::string ShippedCatalogPath();

}  // namespace osteoflow::testing

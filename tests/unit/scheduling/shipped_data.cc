#include "tests/unit/scheduling/shipped_data.h"

#include <string>

#include "libs/catalog/catalog_file.h"
#include "tests/support/test_catalog.h"

namespace osteoflow::scheduling {

const Shipped* LoadShipped() {
  static const Shipped* const shipped = []() -> const Shipped* {
    auto catalog = catalog::LoadCatalogFile(testing::ShippedCatalogPath());
    auto rules = LoadPlanRulesFile(std::string(OSTEOFLOW_SOURCE_DIR) +
                                   "/services/scheduling/data/plan_rules.json");
    if (!catalog.ok() || !rules.ok()) return nullptr;
    auto* loaded = new Shipped;
    loaded->catalog = *catalog;
    loaded->planning = std::make_unique<PlanningCatalog>(*catalog);
    loaded->rules = *rules;
    return loaded;
  }();
  return shipped;
}

}  // namespace osteoflow::scheduling

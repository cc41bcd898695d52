#pragma once

#include <memory>

#include "libs/catalog/exercise_catalog.h"
#include "services/scheduling/domain/plan_rules.h"
#include "services/scheduling/domain/planning_catalog.h"

namespace osteoflow::scheduling {

// The catalog and dose targets shipped in the repository, loaded once per
// test binary; nullptr when either fails to load.
struct Shipped {
  std::shared_ptr<const catalog::ExerciseCatalog> catalog;
  std::unique_ptr<PlanningCatalog> planning;
  std::shared_ptr<const PlanRules> rules;
};
const Shipped* LoadShipped();

}  // namespace osteoflow::scheduling

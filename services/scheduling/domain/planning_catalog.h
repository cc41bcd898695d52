#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "osteoflow/catalog/v1/exercise.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "libs/catalog/exercise_catalog.h"

namespace osteoflow::scheduling {

// One catalog entry as the planner looks at it.
struct PlanningEntry {
  const osteoflow::catalog::v1::Exercise* exercise = nullptr;
  osteoflow::scheduling::v1::Component component = osteoflow::scheduling::v1::COMPONENT_UNSPECIFIED;
  // Bit n set: needs Equipment n.
  uint32_t equipment = 0;
};

// The catalog grouped by the component each entry serves, in id order, made
// once per catalog content digest and shared by every plan made from it.
class PlanningCatalog {
 public:
  explicit PlanningCatalog(std::shared_ptr<const catalog::ExerciseCatalog> catalog);

  const catalog::ExerciseCatalog& catalog() const { return *catalog_; }
  const std::vector<PlanningEntry>& entries(osteoflow::scheduling::v1::Component component) const {
    return by_component_[component];
  }

 private:
  std::shared_ptr<const catalog::ExerciseCatalog> catalog_;
  std::array<std::vector<PlanningEntry>, osteoflow::scheduling::v1::Component_ARRAYSIZE>
      by_component_;
};

// The component a catalog category serves.
osteoflow::scheduling::v1::Component ComponentOf(osteoflow::catalog::v1::Category category);

// Bit mask of equipment values.
template <typename Range>
uint32_t EquipmentMask(const Range& equipment) {
  uint32_t mask = 0;
  for (const int item : equipment) mask |= uint32_t{1} << item;
  return mask;
}

}  // namespace osteoflow::scheduling

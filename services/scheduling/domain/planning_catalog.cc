#include "services/scheduling/domain/planning_catalog.h"

namespace osteoflow::scheduling {

namespace catalog_v1 = osteoflow::catalog::v1;

static_assert(osteoflow::common::v1::Equipment_ARRAYSIZE <= 32, "equipment must fit a 32-bit mask");

v1::Component ComponentOf(catalog_v1::Category category) {
  switch (category) {
    case catalog_v1::CATEGORY_RESISTANCE:
      return v1::COMPONENT_STRENGTH;
    case catalog_v1::CATEGORY_IMPACT_DRILL:
      return v1::COMPONENT_IMPACT;
    case catalog_v1::CATEGORY_WEIGHT_BEARING_AEROBIC:
      return v1::COMPONENT_WEIGHT_BEARING_AEROBIC;
    case catalog_v1::CATEGORY_BALANCE:
      return v1::COMPONENT_BALANCE;
    case catalog_v1::CATEGORY_POSTURE:
      return v1::COMPONENT_POSTURE;
    case catalog_v1::CATEGORY_FLEXIBILITY:
      return v1::COMPONENT_FLEXIBILITY;
    case catalog_v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC:
      return v1::COMPONENT_NON_WEIGHT_BEARING;
    default:
      return v1::COMPONENT_UNSPECIFIED;
  }
}

PlanningCatalog::PlanningCatalog(std::shared_ptr<const catalog::ExerciseCatalog> catalog)
    : catalog_(std::move(catalog)) {
  for (const catalog_v1::Exercise& exercise : catalog_->exercises()) {
    const v1::Component component = ComponentOf(exercise.category());
    if (component == v1::COMPONENT_UNSPECIFIED) continue;
    // Weight-bearing minutes are counted only from entries the catalog marks
    // weight-bearing (rule NWB): an aerobic entry that is not is left out of
    // that component rather than miscounted.
    if (component == v1::COMPONENT_WEIGHT_BEARING_AEROBIC && !exercise.weight_bearing()) continue;
    by_component_[component].push_back(
        PlanningEntry{&exercise, component, EquipmentMask(exercise.equipment())});
  }
}

}  // namespace osteoflow::scheduling

#include "tests/support/test_catalog.h"

#include <google/protobuf/text_format.h>

#include <cstdlib>

namespace osteoflow::testing {

osteoflow::catalog::v1::CatalogDocument SmallCatalogDocument() {
  osteoflow::catalog::v1::CatalogDocument document;
  const bool parsed = google::protobuf::TextFormat::ParseFromString(R"pb(
    version: "test.1"
    sources { key: "SEED-000" citation: "consumer article" }
    sources { key: "ROS-2022" citation: "consensus statement" }
    safety_tags { tag: SAFETY_TAG_AVOID_FLEXION rule_id: "AVOID-FLEXION" reason: "loaded spinal flexion" source_keys: "SEED-000" }
    rules { rule_id: "NWB" summary: "never counts as weight-bearing" source_keys: "SEED-000" }
    exercises {
      id: "hip-hinge" display_name: "Hip hinge" description: "Bend at the hips with a long spine."
      category: CATEGORY_RESISTANCE movement_pattern: MOVEMENT_PATTERN_HINGE
      impact_level: IMPACT_LEVEL_NONE weight_bearing: true intensity: INTENSITY_MODERATE
      default_dose { sets_reps { sets: 2 reps_min: 8 reps_max: 12 } }
      harder_variant_ids: "heavy-deadlift" source_keys: "ROS-2022"
    }
    exercises {
      id: "heavy-deadlift" display_name: "Heavy deadlift" description: "Supervised heavy lift."
      category: CATEGORY_RESISTANCE movement_pattern: MOVEMENT_PATTERN_HINGE
      impact_level: IMPACT_LEVEL_NONE weight_bearing: true intensity: INTENSITY_VIGOROUS
      load_percent_one_rep_max: 85 equipment: EQUIPMENT_BARBELL
      default_dose { sets_reps { sets: 5 reps_min: 5 reps_max: 5 } load_guide: "heavy" }
      easier_variant_ids: "hip-hinge" source_keys: "ROS-2022"
    }
    exercises {
      id: "sit-up" display_name: "Sit-up" description: "Curl up from lying."
      category: CATEGORY_RESISTANCE movement_pattern: MOVEMENT_PATTERN_TRUNK_FLEXION
      impact_level: IMPACT_LEVEL_NONE weight_bearing: false intensity: INTENSITY_MODERATE
      safety_tags: SAFETY_TAG_AVOID_FLEXION safer_alternative_id: "hip-hinge"
      default_dose { sets_reps { sets: 2 reps_min: 10 reps_max: 10 } } source_keys: "SEED-000"
    }
    exercises {
      id: "walk" display_name: "Brisk walk" description: "Walk briskly."
      category: CATEGORY_WEIGHT_BEARING_AEROBIC movement_pattern: MOVEMENT_PATTERN_LOCOMOTION
      impact_level: IMPACT_LEVEL_LOW weight_bearing: true intensity: INTENSITY_MODERATE
      default_dose { minutes: 30 } source_keys: "SEED-000" harder_variant_ids: "jog"
    }
    exercises {
      id: "jog" display_name: "Jog" description: "Jog gently."
      category: CATEGORY_WEIGHT_BEARING_AEROBIC movement_pattern: MOVEMENT_PATTERN_LOCOMOTION
      impact_level: IMPACT_LEVEL_MODERATE weight_bearing: true intensity: INTENSITY_VIGOROUS
      default_dose { minutes: 20 } source_keys: "ROS-2022" easier_variant_ids: "walk"
    }
    exercises {
      id: "swim" display_name: "Swimming" description: "Lengths of the pool."
      category: CATEGORY_NON_WEIGHT_BEARING_AEROBIC movement_pattern: MOVEMENT_PATTERN_CYCLIC_SUPPORTED
      impact_level: IMPACT_LEVEL_NONE weight_bearing: false intensity: INTENSITY_MODERATE
      equipment: EQUIPMENT_POOL default_dose { minutes: 30 } source_keys: "SEED-000"
    }
  )pb", &document);
  if (!parsed) std::abort();
  return document;
}

std::string ShippedCatalogPath() {
  return std::string(OSTEOFLOW_SOURCE_DIR) + "/services/catalog/data/catalog.json";
}

}  // namespace osteoflow::testing

#pragma once

#include <string>

#include "osteoflow/common/v1/dose.pb.h"
#include "osteoflow/progress/v1/progression_rules.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"

// The real increments of the gear that carries a load (PROG-LOAD): a load
// moves to a weight the person can actually pick up, not to a percentage.
namespace osteoflow::progress {

// The gear carrying an item's load: the first of the item's equipment that
// `steps` lists; nullptr for body-weight work.
const osteoflow::progress::v1::EquipmentSteps* LoadGearOf(const osteoflow::scheduling::v1::PlanItem& item,
                                                          const osteoflow::progress::v1::LoadSteps& steps);

// The next load up from `load_kg`.
struct StepUp {
  // The lightest real load at least `min_percent` above; 0 when the gear has
  // no kilogram steps.
  double load_kg = 0;
  // That load is more than `max_percent` above: too large a step to take.
  bool too_large = false;
};
StepUp KilogramsUp(const osteoflow::progress::v1::EquipmentSteps& gear, double load_kg, int min_percent,
                   int max_percent);

// The heaviest real load at least `min_percent` below `load_kg`; `load_kg`
// itself when the gear has nothing lighter.
double KilogramsDown(const osteoflow::progress::v1::EquipmentSteps& gear, double load_kg, int min_percent);

// The position of `level` in the gear's band levels, lightest first; -1 when
// not listed (unspecified, or not a band).
int BandIndex(const osteoflow::progress::v1::EquipmentSteps& gear, int level);

// "8.5 kg" (two decimals only when a step needs them).
std::string Kilograms(double load_kg);

// "medium" for BAND_LEVEL_MEDIUM.
std::string BandWords(int level);

}  // namespace osteoflow::progress

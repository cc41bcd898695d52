#include "services/progress/domain/load_steps.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;

// Loads are compared and printed in hundredths of a kilogram: steps of 0.5
// kg summed in binary floating point must still land on 8.5, not 8.4999.
constexpr double kTolerance = 1e-6;

double Hundredths(double kg) { return std::round(kg * 100.0) / 100.0; }

// The upper end of step range `i` (infinite for the last).
double EndOf(const v1::EquipmentSteps& gear, int i) {
  const double below = gear.kilogram_steps(i).below_kg();
  return below > 0 ? below : std::numeric_limits<double>::infinity();
}

}  // namespace

const v1::EquipmentSteps* LoadGearOf(const scheduling::v1::PlanItem& item, const v1::LoadSteps& steps) {
  for (const int equipment : item.equipment()) {
    for (const v1::EquipmentSteps& gear : steps.equipment()) {
      if (gear.equipment() == equipment) return &gear;
    }
  }
  return nullptr;
}

StepUp KilogramsUp(const v1::EquipmentSteps& gear, double load_kg, int min_percent, int max_percent) {
  const double target = load_kg * (100.0 + min_percent) / 100.0;
  double start = 0;
  for (int i = 0; i < gear.kilogram_steps_size(); ++i) {
    const double step = gear.kilogram_steps(i).step_kg();
    const double end = EndOf(gear, i);
    // The real loads of this range are start, start + step, ...
    const double from = std::max(target, start);
    double next = start + std::ceil((from - start) / step - kTolerance) * step;
    if (next <= load_kg + kTolerance) next += step;
    if (next < end - kTolerance) {
      next = Hundredths(next);
      return StepUp{next, next > load_kg * (100.0 + max_percent) / 100.0 + kTolerance};
    }
    start = end;
  }
  return StepUp{};
}

double KilogramsDown(const v1::EquipmentSteps& gear, double load_kg, int min_percent) {
  const double target = load_kg * (100.0 - min_percent) / 100.0;
  double best = 0;
  double start = 0;
  for (int i = 0; i < gear.kilogram_steps_size() && start <= target + kTolerance; ++i) {
    const double step = gear.kilogram_steps(i).step_kg();
    const double end = EndOf(gear, i);
    const double top = std::min(target, end - step / 2);
    best = start + std::floor((top - start) / step + kTolerance) * step;
    start = end;
  }
  return best > kTolerance ? Hundredths(best) : load_kg;
}

int BandIndex(const v1::EquipmentSteps& gear, int level) {
  if (level == common::v1::BAND_LEVEL_UNSPECIFIED) return -1;
  for (int i = 0; i < gear.band_levels_size(); ++i) {
    if (gear.band_levels(i) == level) return i;
  }
  return -1;
}

std::string Kilograms(double load_kg) {
  const double tenths = load_kg * 10.0;
  return std::abs(tenths - std::round(tenths)) < 1e-3 ? absl::StrFormat("%.1f kg", load_kg)
                                                      : absl::StrFormat("%.2f kg", load_kg);
}

std::string BandWords(int level) {
  const std::string& name = common::v1::BandLevel_Name(static_cast<common::v1::BandLevel>(level));
  return absl::StrReplaceAll(absl::AsciiStrToLower(name.substr(std::min(name.size(), sizeof("BAND_LEVEL_") - 1))),
                             {{"_", " "}});
}

}  // namespace osteoflow::progress

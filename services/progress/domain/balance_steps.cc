#include "services/progress/domain/balance_steps.h"

#include "absl/strings/str_cat.h"

namespace osteoflow::progress {
namespace {

namespace catalog_v1 = osteoflow::catalog::v1;

const char* LevelWords(catalog_v1::BalanceLevel level) {
  switch (level) {
    case catalog_v1::BALANCE_LEVEL_FEET_TOGETHER: return "feet together";
    case catalog_v1::BALANCE_LEVEL_SEMI_TANDEM: return "semi-tandem";
    case catalog_v1::BALANCE_LEVEL_TANDEM: return "tandem";
    case catalog_v1::BALANCE_LEVEL_SINGLE_LEG: return "single leg";
    case catalog_v1::BALANCE_LEVEL_DYNAMIC: return "moving balance";
    case catalog_v1::BALANCE_LEVEL_ADVANCED: return "harder moving balance";
    default: return "balance";
  }
}

}  // namespace

BalanceStepChange NextBalanceStep(const osteoflow::scheduling::v1::ExerciseProgression& from) {
  BalanceStepChange next;
  const catalog_v1::BalanceLevel level = from.balance_level();
  if (level == catalog_v1::BALANCE_LEVEL_UNSPECIFIED) return next;
  if (from.balance_hand_support()) {
    next = {true, level, false, absl::StrCat(LevelWords(level), " without holding on")};
  } else if (level < catalog_v1::BALANCE_LEVEL_ADVANCED) {
    const auto up = static_cast<catalog_v1::BalanceLevel>(level + 1);
    next = {true, up, true, absl::StrCat(LevelWords(up), ", holding on at first")};
  }
  return next;
}

bool HeldAsPlanned(const osteoflow::scheduling::v1::PlanItem& planned, const osteoflow::progress::v1::ItemLog& log) {
  const osteoflow::common::v1::Dose& dose = planned.dose();
  if (dose.has_minutes()) return log.minutes() >= dose.minutes();
  if (!dose.has_sets_reps()) return false;
  if (log.reps_per_set_size() < dose.sets_reps().sets()) return false;
  for (const int reps : log.reps_per_set()) {
    if (reps < dose.sets_reps().reps_min()) return false;
  }
  return true;
}

}  // namespace osteoflow::progress

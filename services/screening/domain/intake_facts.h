#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/strings/string_view.h"
#include "osteoflow/screening/v1/intake.pb.h"
#include "osteoflow/screening/v1/screening.pb.h"

namespace osteoflow::screening {

// The words a rule's condition may use. Each fact is a number, a yes/no flag,
// or a symbol from a protobuf enum (written without the enum's prefix:
// OSTEOPOROSIS for BONE_CATEGORY_OSTEOPOROSIS). Facts come from the intake,
// except the decided ones, which earlier rules set.
enum class FactType { kNumber, kFlag, kSymbol };

enum class Fact : int {
  // From the intake.
  kAgeYears,
  kSex,
  kPostmenopausal,
  kBmi,
  kHasDxa,
  kLowestTScore,
  kLowestZScore,
  kLowTraumaFractures,
  kVertebralFracture,
  kWeeksSinceLastFracture,
  kFallsLast12Months,
  kFallNeededMedicalAttention,
  kGaitOrBalanceProblem,
  kTimedUpAndGoSeconds,
  kTandemStanceSeconds,
  kChairStands30Seconds,
  kCardiovascular,
  kDiabetes,
  kRenal,
  kHypertension,
  kLungDisease,
  kObesity,
  kArthritis,
  kFrail,
  kGlucocorticoidUse,
  kActivityDaysPerWeek,
  kActivityMinutesPerDay,
  kChestPain,
  kDizzinessOrFainting,
  kNewOrSharpBackPain,
  kRadiatingPain,
  kHeightLossCm,
  kNewStoop,
  kBreathlessUnableToSpeak,
  kWeeksSinceSurgery,
  kRecoveringFromHipFracture,
  kSpinalCordInjury,
  // Of one regular activity: set only while a continue_activity clause is
  // read for that activity (IMP-CONTINUE).
  kRegularActivitySessionsPerWeek,
  kRegularActivityMonths,
  kRegularActivityPain,
  kRegularActivityFell,
  // Decided by earlier rules.
  kBoneCategory,
  kBoneTreatedAs,
  kSevereOsteoporosis,
  kFallRisk,
  kCount,
};

inline constexpr int kFactCount = static_cast<int>(Fact::kCount);

struct FactDefinition {
  Fact fact;
  absl::string_view name;
  FactType type;
  // For kSymbol: the enum whose values (without prefix) are the symbols.
  const google::protobuf::EnumDescriptor* symbols = nullptr;
  absl::string_view symbol_prefix;
  // Set by rules rather than read from the intake.
  bool decided = false;
  // An intake may leave it out (no DXA, no functional test, no fracture).
  bool may_be_absent = false;
  // Describes one regular activity rather than the person: only a clause
  // whose effects continue activities may read it.
  bool per_activity = false;
};

// Every fact, in Fact order.
const std::vector<FactDefinition>& FactDefinitions();
const FactDefinition* FindFact(absl::string_view name);
const FactDefinition& DefinitionOf(Fact fact);
// The enum number a symbol names for a symbol fact, or nullopt.
std::optional<int> SymbolValue(const FactDefinition& fact, absl::string_view symbol);

// Values of the facts for one intake. A number, flag (0/1) or enum number;
// a fact may be absent (no DXA, no TUG measured).
class FactValues {
 public:
  void Set(Fact fact, double value) {
    values_[Index(fact)] = value;
    present_[Index(fact)] = true;
  }
  void SetFlag(Fact fact, bool value) { Set(fact, value ? 1.0 : 0.0); }
  std::optional<double> Get(Fact fact) const {
    if (!present_[Index(fact)]) return std::nullopt;
    return values_[Index(fact)];
  }
  bool Flag(Fact fact) const { return Get(fact).value_or(0.0) != 0.0; }
  void Clear(Fact fact) { present_[Index(fact)] = false; }

 private:
  static size_t Index(Fact fact) { return static_cast<size_t>(fact); }
  std::array<double, kFactCount> values_{};
  std::array<bool, kFactCount> present_{};
};

// Which DXA readings the bone facts came from, for the bone status.
struct DensityReading {
  std::optional<double> lowest_t_score;
  osteoflow::screening::v1::SkeletalSite lowest_t_score_site =
      osteoflow::screening::v1::SKELETAL_SITE_UNSPECIFIED;
  std::optional<double> lowest_z_score;
  osteoflow::screening::v1::SkeletalSite lowest_z_score_site =
      osteoflow::screening::v1::SKELETAL_SITE_UNSPECIFIED;
};

// The facts of an intake that passed ValidateIntake. Decided facts start at
// their defaults (bone category UNKNOWN, no fall risk).
FactValues ExtractFacts(const osteoflow::screening::v1::Intake& intake, DensityReading* reading);

// Sets the regular_activity_* facts to one activity's answers.
void SetActivityFacts(const osteoflow::screening::v1::RegularActivity& activity, FactValues& facts);
// Leaves them absent again, so no other clause can read a stale activity.
void ClearActivityFacts(FactValues& facts);

}  // namespace osteoflow::screening

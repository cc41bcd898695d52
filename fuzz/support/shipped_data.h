#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/catalog/exercise_catalog.h"
#include "osteoflow/common/v1/clinical.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "osteoflow/screening/v1/intake.pb.h"
#include "services/progress/domain/progression_rules.h"
#include "services/scheduling/domain/plan_rules.h"
#include "services/screening/domain/rule_set.h"

namespace osteoflow::fuzz {

// A file of the repository (OSTEOFLOW_SOURCE_DIR at build time).
std::string SourcePath(const std::string& relative);

// The data files the services ship, loaded once. A target that cannot load
// them stops at once: fuzzing against anything else would test nothing.
struct ShippedData {
  std::shared_ptr<const catalog::ExerciseCatalog> catalog;
  std::shared_ptr<const screening::RuleSet> rule_set;
  std::shared_ptr<const scheduling::PlanRules> plan_rules;
  std::shared_ptr<const progress::ProgressionRules> progression_rules;
};
const ShippedData& Shipped();

// A sample patient of samples/: the intake and the week's preferences.
struct SamplePatient {
  std::string name;  // the file name without .json
  osteoflow::screening::v1::Intake intake;
  osteoflow::scheduling::v1::Preferences preferences;
};
const std::vector<SamplePatient>& SamplePatients();

// The restrictions of samples/restrictions/, as screening returns them.
const std::vector<osteoflow::common::v1::Restrictions>& SampleRestrictions();

// The one clock every target runs at, so that a finding replays the same:
// 2026-12-07 12:00 UTC, after the samples' assessments and after the first
// week of a programme starting on kProgramStart.
absl::Time FuzzNow();
inline constexpr char kProgramStart[] = "2026-11-30";

}  // namespace osteoflow::fuzz

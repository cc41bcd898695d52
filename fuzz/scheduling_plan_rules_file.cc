// The plan-rules file loader (LoadPlanRulesFile: LoadDataFile's read and
// JSON parse, then the dose targets' validation) fed arbitrary bytes. Dose
// targets it accepts are then planned with: week 1 for each sample patient
// that screening does not refer, from the shipped catalog.
#include <vector>

#include "fuzz/support/scratch_file.h"
#include "fuzz/support/shipped_data.h"
#include "services/scheduling/domain/plan_inputs.h"
#include "services/scheduling/domain/plan_rules.h"
#include "services/scheduling/domain/weekly_planner.h"
#include "services/screening/domain/screening_engine.h"

namespace v1 = osteoflow::scheduling::v1;

namespace {

// Each sample patient's week 1 as the planner takes it.
const std::vector<v1::PlanInputs>& SampleInputs() {
  static const std::vector<v1::PlanInputs>* const inputs = [] {
    auto* made = new std::vector<v1::PlanInputs>;
    for (const osteoflow::fuzz::SamplePatient& patient : osteoflow::fuzz::SamplePatients()) {
      auto result = osteoflow::screening::EvaluateIntake(*osteoflow::fuzz::Shipped().rule_set, patient.intake);
      if (!result.ok() || result->outcome() == osteoflow::screening::v1::OUTCOME_REFER) continue;
      v1::BuildWeeklyPlanRequest request;
      *request.mutable_screening_result() = *result;
      request.set_patient_id(patient.intake.patient_id());
      *request.mutable_preferences() = patient.preferences;
      request.set_week_start_date(osteoflow::fuzz::kProgramStart);
      request.set_week_index(1);
      made->push_back(osteoflow::scheduling::CanonicalInputs(request, *result));
    }
    return made;
  }();
  return *inputs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const osteoflow::scheduling::PlanningCatalog planning(osteoflow::fuzz::Shipped().catalog);
  auto loaded = osteoflow::scheduling::LoadPlanRulesFile(osteoflow::fuzz::WriteScratchFile(data, size));
  if (!loaded.ok()) return 0;
  for (const v1::PlanInputs& inputs : SampleInputs()) {
    (void)osteoflow::scheduling::BuildWeeklyPlan(inputs, planning, **loaded);
  }
  return 0;
}

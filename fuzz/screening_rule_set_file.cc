// The rule-set file loader (LoadRuleSetFile: LoadDataFile's read and JSON
// parse, then the rule set's validation and the compilation of every
// condition) fed arbitrary bytes. A rule set it accepts is then applied to
// each sample patient's intake.
#include "fuzz/support/scratch_file.h"
#include "fuzz/support/shipped_data.h"
#include "services/screening/domain/rule_set.h"
#include "services/screening/domain/screening_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto loaded = osteoflow::screening::LoadRuleSetFile(osteoflow::fuzz::WriteScratchFile(data, size));
  if (!loaded.ok()) return 0;
  for (const osteoflow::fuzz::SamplePatient& patient : osteoflow::fuzz::SamplePatients()) {
    (void)osteoflow::screening::EvaluateIntakeWire(**loaded, patient.intake);
  }
  return 0;
}

#include "services/scheduling/encoding/plan_inputs_wire.h"

#include "common/digest/content_digest.h"
#include "common/proto/wire_fields.h"

namespace osteoflow::scheduling {

std::string PlanInputsWire(const PlanInputsParts& parts) {
  using I = v1::PlanInputs;
  std::string wire;
  WireFields fields(wire);
  fields.Bytes(I::kScreeningResultFieldNumber, DeterministicBytes(*parts.screening_result));
  fields.String(I::kPatientIdFieldNumber, parts.patient_id);
  fields.Bytes(I::kPreferencesFieldNumber, DeterministicBytes(*parts.preferences));
  fields.String(I::kWeekStartDateFieldNumber, parts.week_start_date);
  fields.Varint(I::kWeekIndexFieldNumber, static_cast<uint64_t>(parts.week_index));
  for (const v1::ExerciseProgression* entry : parts.progression) {
    fields.Bytes(I::kProgressionFieldNumber, DeterministicBytes(*entry));
  }
  return wire;
}

}  // namespace osteoflow::scheduling

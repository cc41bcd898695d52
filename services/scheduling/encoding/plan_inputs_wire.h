#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"

namespace osteoflow::scheduling {

// The parts of a plan's canonical inputs, already in canonical order.
struct PlanInputsParts {
  const osteoflow::screening::v1::ScreeningResult* screening_result = nullptr;
  absl::string_view patient_id;
  // Days, equipment and exercises sorted, each once.
  const osteoflow::scheduling::v1::Preferences* preferences = nullptr;
  absl::string_view week_start_date;
  int32_t week_index = 0;
  // By exercise name.
  absl::Span<const osteoflow::scheduling::v1::ExerciseProgression* const> progression;
};

// The osteoflow.scheduling.v1.PlanInputs of `parts` in protobuf's wire
// format, field by field in field-number order, each embedded message in its
// deterministic encoding: exactly PlanInputs' own deterministic serialisation,
// written without copying the screening result into a message first. Plan
// ids are a digest of these bytes.
std::string PlanInputsWire(const PlanInputsParts& parts);

}  // namespace osteoflow::scheduling

#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "services/screening/domain/decisions.h"
#include "services/screening/domain/intake_facts.h"

namespace osteoflow::screening {

// Writes the osteoflow.screening.v1.ScreeningResult of settled decisions in
// protobuf's wire format, field by field in field-number order (the bytes
// protobuf's own serialiser would give), from the item and citation wire
// forms the rule set made at load. A screening is answered and stored in
// this form, so a result is never built as a message and then serialised.
std::string ResultWire(const Decisions& decisions, const FactValues& facts,
                       const DensityReading& reading, absl::string_view rule_set_version);

}  // namespace osteoflow::screening

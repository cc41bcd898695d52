#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "osteoflow/screening/v1/intake.pb.h"

namespace osteoflow::screening {

// A screening as it is stored and answered, from its parts: the result is
// already in wire form (see result_wire.h).
struct StoredScreeningRecord {
  absl::string_view name;
  absl::string_view request_id;
  int64_t create_time_micros = 0;
  const osteoflow::screening::v1::Intake* intake = nullptr;
  absl::string_view result_wire;
};

// Appends the record as an osteoflow.screening.v1.Screening in protobuf's
// wire format, field by field in field-number order: the bytes protobuf's
// own serialiser would give.
void AppendScreeningWire(const StoredScreeningRecord& record, std::string* out);

// Appends a preview's osteoflow.screening.v1.ValidateIntakeResponse: the
// result, already in wire form.
void AppendPreviewWire(absl::string_view result_wire, std::string* out);

}  // namespace osteoflow::screening

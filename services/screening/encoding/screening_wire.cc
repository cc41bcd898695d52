#include "services/screening/encoding/screening_wire.h"

#include <google/protobuf/util/time_util.h>

#include "common/proto/wire_fields.h"
#include "osteoflow/screening/v1/screening.pb.h"
#include "osteoflow/screening/v1/screening_service.pb.h"

namespace osteoflow::screening {

void AppendScreeningWire(const StoredScreeningRecord& record, std::string* out) {
  using S = v1::Screening;
  out->reserve(out->size() + record.result_wire.size() + 2 * record.intake->ByteSizeLong() + 128);
  WireFields fields(*out);
  fields.String(S::kNameFieldNumber, record.name);
  fields.String(S::kRequestIdFieldNumber, record.request_id);
  fields.Bytes(S::kCreateTimeFieldNumber,
               google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(record.create_time_micros)
                   .SerializeAsString());
  fields.Bytes(S::kIntakeFieldNumber, record.intake->SerializeAsString());
  fields.Bytes(S::kResultFieldNumber, record.result_wire);
}

void AppendPreviewWire(absl::string_view result_wire, std::string* out) {
  WireFields(*out).Bytes(v1::ValidateIntakeResponse::kPreviewFieldNumber, result_wire);
}

}  // namespace osteoflow::screening

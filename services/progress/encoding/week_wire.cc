#include "services/progress/encoding/week_wire.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>
#include <string>

namespace osteoflow::progress {
namespace {

using google::protobuf::internal::WireFormatLite;

// ProgramWeek's field numbers, from its contract.
constexpr int kPlanField = 2;

}  // namespace

bool ParseWeekForReport(absl::string_view bytes, v1::ProgramWeek* week) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  // The record's fields but the plan, copied as they are and parsed after.
  std::string without_plan;
  while (true) {
    const int begin = input.CurrentPosition();
    const uint32_t tag = input.ReadTag();
    if (tag == 0) break;
    if (!WireFormatLite::SkipField(&input, tag)) return false;
    if (WireFormatLite::GetTagFieldNumber(tag) == kPlanField) continue;
    without_plan.append(bytes.data() + begin, static_cast<size_t>(input.CurrentPosition() - begin));
  }
  if (!input.ConsumedEntireMessage() || !week->ParseFromString(without_plan)) return false;
  return week->has_progress() || week->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace osteoflow::progress

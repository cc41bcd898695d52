#include "tools/cli/event_lines.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace osteoflow::tools {

std::string EventLine(const osteoflow::progress::v1::FeedEvent& feed_event) {
  if (!feed_event.has_event()) return std::string();
  const io::cloudevents::v1::CloudEvent& event = feed_event.event();
  osteoflow::progress::v1::ProgramEvent data;
  if (!event.proto_data().UnpackTo(&data)) return absl::StrCat(event.type(), " ", event.id(), " (unreadable data)");
  std::string time;
  if (const auto found = event.attributes().find("time"); found != event.attributes().end()) {
    time = google::protobuf::util::TimeUtil::ToString(found->second.ce_timestamp());
  }
  absl::string_view type = event.type();
  absl::ConsumePrefix(&type, "org.osteoflow.progress.");
  absl::ConsumeSuffix(&type, ".v1");
  std::string line = absl::StrCat(time, "  ", type, "  ", data.program());
  if (!data.rule_ids().empty()) absl::StrAppend(&line, "  rules=", absl::StrJoin(data.rule_ids(), ","));
  if (!data.date().empty()) absl::StrAppend(&line, "  date=", data.date());
  if (data.type() == osteoflow::progress::v1::PROGRAM_EVENT_TYPE_PAIN_REPORTED) {
    absl::StrAppend(&line, "  pain=", data.pain(), "/10");
  }
  if (data.type() == osteoflow::progress::v1::PROGRAM_EVENT_TYPE_ADHERENCE_LOW) {
    absl::StrAppend(&line, "  adherence=", data.adherence_percent(), "%");
  }
  return line;
}

}  // namespace osteoflow::tools

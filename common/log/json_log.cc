#include "common/log/json_log.h"

#include <string>

#include <google/protobuf/util/json_util.h>

#include "absl/time/clock.h"
#include "common/log/log_writer.h"

namespace osteoflow {

LogLine::LogLine(absl::string_view event) {
  Add("ts", LogTimestamp(absl::Now()));
  Add("event", event);
}

LogLine& LogLine::Add(absl::string_view key, absl::string_view value) {
  (*fields_.mutable_fields())[std::string(key)].set_string_value(std::string(value));
  return *this;
}

LogLine& LogLine::Add(absl::string_view key, int64_t value) {
  (*fields_.mutable_fields())[std::string(key)].set_number_value(static_cast<double>(value));
  return *this;
}

LogLine& LogLine::Add(absl::string_view key, bool value) {
  (*fields_.mutable_fields())[std::string(key)].set_bool_value(value);
  return *this;
}

void LogLine::Write() {
  std::string line;
  if (!google::protobuf::util::MessageToJsonString(fields_, &line).ok()) return;
  line.push_back('\n');
  LogWriter::Instance().WriteNow(line);
}

}  // namespace osteoflow

#include "common/log/json_log.h"

#include <unistd.h>

#include <string>

#include <google/protobuf/util/json_util.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace osteoflow {

LogLine::LogLine(absl::string_view event) {
  Add("ts", absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()));
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
  // A log line that cannot be written is dropped: logging must never fail a call.
  const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  (void)written;
}

}  // namespace osteoflow

#pragma once

#include <cstdint>
#include "absl/strings/string_view.h"

#include <google/protobuf/struct.pb.h>

namespace osteoflow {

// One structured log line, written to stderr as a single JSON object.
// Callers must never add request bodies or health data: only ids, codes,
// counts and timings.
class LogLine {
 public:
  explicit LogLine(absl::string_view event);

  LogLine& Add(absl::string_view key, absl::string_view value);
  LogLine& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  LogLine& Add(absl::string_view key, int64_t value);
  LogLine& Add(absl::string_view key, int value) { return Add(key, int64_t{value}); }
  LogLine& Add(absl::string_view key, bool value);

  // Writes the line at once (see LogWriter), whole, after queued access lines.
  void Write();

 private:
  google::protobuf::Struct fields_;
};

}  // namespace osteoflow

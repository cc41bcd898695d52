#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"

namespace osteoflow {

// Collects every problem with a request so that one INVALID_ARGUMENT can name
// them all, each with the field path it concerns ("restrictions.impact_ceiling").
// Past 20 problems the message lists the first 20 and counts the rest.
class FieldViolations {
 public:
  void Add(absl::string_view field, absl::string_view why);
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  // OK when empty, otherwise INVALID_ARGUMENT "field: why; field: why".
  absl::Status ToStatus() const;

 private:
  std::vector<std::string> violations_;  // the first few, in order
  size_t count_ = 0;
};

// INVALID_ARGUMENT for a single field.
absl::Status InvalidField(absl::string_view field, absl::string_view why);

}  // namespace osteoflow

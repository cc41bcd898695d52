#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"

namespace osteoflow {

// Collects every problem with a request so that one INVALID_ARGUMENT can name
// them all, each with the field path it concerns ("restrictions.impact_ceiling").
class FieldViolations {
 public:
  void Add(absl::string_view field, absl::string_view why);
  bool empty() const { return violations_.empty(); }
  size_t size() const { return violations_.size(); }

  // OK when empty, otherwise INVALID_ARGUMENT "field: why; field: why".
  absl::Status ToStatus() const;

 private:
  std::vector<std::string> violations_;
};

// INVALID_ARGUMENT for a single field.
absl::Status InvalidField(absl::string_view field, absl::string_view why);

}  // namespace osteoflow

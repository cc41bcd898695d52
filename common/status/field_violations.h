#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"

namespace osteoflow {

// Collects every problem with a request so that one INVALID_ARGUMENT can name
// them all, each with the field path it concerns ("restrictions.impact_ceiling").
// Past `max_listed` problems (20 unless given) the message lists the first
// ones and counts the rest, so a hostile request cannot grow it without bound.
class FieldViolations {
 public:
  static constexpr size_t kDefaultMaxListed = 20;
  explicit FieldViolations(size_t max_listed = kDefaultMaxListed) : max_listed_(max_listed) {}

  void Add(absl::string_view field, absl::string_view why);
  // Takes in the violations of another check whose INVALID_ARGUMENT already
  // names its fields in full; an OK status adds nothing.
  void Include(const absl::Status& status);
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  // OK when empty, otherwise INVALID_ARGUMENT "field: why; field: why".
  absl::Status ToStatus() const;

 private:
  size_t max_listed_;
  std::vector<std::string> violations_;  // the first few, in order
  size_t count_ = 0;
};

// INVALID_ARGUMENT for a single field.
absl::Status InvalidField(absl::string_view field, absl::string_view why);

}  // namespace osteoflow

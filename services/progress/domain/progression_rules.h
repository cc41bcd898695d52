#pragma once

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "osteoflow/common/v1/clinical.pb.h"
#include "osteoflow/progress/v1/progression_rules.pb.h"

namespace osteoflow::progress {

// The progression rules, validated; immutable and shared.
class ProgressionRules {
 public:
  // Every PROG-* rule the engine cites must be defined with sources, and
  // every number in range. INVALID_ARGUMENT names each field at fault.
  static absl::StatusOr<std::shared_ptr<const ProgressionRules>> FromDocument(
      osteoflow::progress::v1::ProgressionRulesDocument document);

  const osteoflow::progress::v1::ProgressionRulesDocument& document() const { return document_; }
  // "<declared version>+<12 hex of the content digest>".
  const std::string& version() const { return version_; }
  const std::string& content_digest() const { return content_digest_; }
  // The citation of a defined rule (every id the engine uses is checked at load).
  const osteoflow::common::v1::RuleCitation& Citation(absl::string_view rule_id) const;

 private:
  ProgressionRules() = default;

  osteoflow::progress::v1::ProgressionRulesDocument document_;
  std::string version_;
  std::string content_digest_;
  absl::flat_hash_map<std::string, osteoflow::common::v1::RuleCitation> citations_;
};

// Reads the JSON form (unknown fields refused) and validates it.
absl::StatusOr<std::shared_ptr<const ProgressionRules>> LoadProgressionRulesFile(const std::string& path);

}  // namespace osteoflow::progress

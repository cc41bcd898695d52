#pragma once

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "osteoflow/common/v1/clinical.pb.h"
#include "osteoflow/scheduling/v1/plan_rules.pb.h"

namespace osteoflow::scheduling {

// The dose targets plans are made against, validated; immutable and shared
// by every plan.
class PlanRules {
 public:
  // Checks that every rule cited is defined with sources, every DOSE-* rule
  // of the clinical reference has its component, and every number is in a
  // sensible range. INVALID_ARGUMENT names each field at fault.
  static absl::StatusOr<std::shared_ptr<const PlanRules>> FromDocument(
      osteoflow::scheduling::v1::PlanRulesDocument document);

  const osteoflow::scheduling::v1::PlanRulesDocument& document() const { return document_; }
  // "<declared version>+<12 hex of the content digest>".
  const std::string& version() const { return version_; }
  const std::string& content_digest() const { return content_digest_; }

  // The citation of a rule the document defines (validated at load: every
  // rule id the document uses is defined).
  const osteoflow::common::v1::RuleCitation& Citation(absl::string_view rule_id) const;

 private:
  PlanRules() = default;

  osteoflow::scheduling::v1::PlanRulesDocument document_;
  std::string version_;
  std::string content_digest_;
  absl::flat_hash_map<std::string, osteoflow::common::v1::RuleCitation> citations_;
};

// Reads the JSON form of a PlanRulesDocument (unknown fields rejected) and
// validates it. Errors name the file.
absl::StatusOr<std::shared_ptr<const PlanRules>> LoadPlanRulesFile(const std::string& path);

}  // namespace osteoflow::scheduling

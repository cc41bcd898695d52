#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "osteoflow/screening/v1/rule_set.pb.h"
#include "services/screening/domain/condition.h"

namespace osteoflow::screening {

// One effect, with the wire form of the result item it adds (a red flag, a
// clearance reason, a supervision or fall-risk reason, a tag exclusion by
// this rule alone), made once at load: every screening that fires it answers
// with the same bytes.
struct CompiledEffect {
  osteoflow::screening::v1::Effect effect;
  std::string item_wire;  // empty for effects that add no item
  // For continue_activity: per exercise it covers, the wire form of the
  // ActivityContinuation it adds for that exercise.
  struct Continuation {
    std::string exercise;
    std::string wire;
  };
  std::vector<Continuation> continuations;
};

// One clause of a rule, compiled: its condition and what it does.
struct CompiledClause {
  Condition when;
  std::vector<CompiledEffect> effects;
  // Read once per regular activity (its effects continue activities).
  bool per_activity = false;
};

// One rule, compiled, with the citation every result item carries.
struct CompiledRule {
  osteoflow::common::v1::RuleCitation citation;  // rule id and source keys
  std::string citation_wire;                     // its wire form
  std::vector<CompiledClause> clauses;
};

// The screening rules, validated and compiled; immutable, shared by every call.
class RuleSet {
 public:
  // Validates the document (ids, sources, conditions, effects, and that every
  // rule the clinical reference names for screening is present) and compiles
  // its conditions. INVALID_ARGUMENT names the rule and clause at fault.
  static absl::StatusOr<std::shared_ptr<const RuleSet>> FromDocument(
      const osteoflow::screening::v1::RuleSetDocument& document);

  // The declared version and the first 12 hex digits of the content digest,
  // "2026.11.1+1a2b3c4d5e6f": any change to the content changes it.
  const std::string& version() const { return version_; }
  const std::string& declared_version() const { return declared_version_; }
  // "sha256:" and the hex digest of the document's deterministic encoding.
  const std::string& content_digest() const { return content_digest_; }
  const std::vector<CompiledRule>& rules() const { return rules_; }

 private:
  RuleSet() = default;

  std::string declared_version_;
  std::vector<CompiledRule> rules_;
  std::string content_digest_;
  std::string version_;
};

// Reads the JSON form of a RuleSetDocument (unknown fields rejected) and
// builds the rule set. Errors name the file and what is wrong.
absl::StatusOr<std::shared_ptr<const RuleSet>> LoadRuleSetFile(const std::string& path);

}  // namespace osteoflow::screening

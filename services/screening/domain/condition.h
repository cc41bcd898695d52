#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/screening/domain/intake_facts.h"

namespace osteoflow::screening {

// A compiled rule condition, such as
//   "falls_last_12_months >= 2 or (gait_or_balance_problem and not frail)".
// Grammar: or-expressions of and-expressions of [not] terms; a term is
// "true", "false", a flag fact, a comparison "fact op literal" (op one of
// < <= > >= == !=; literal a number, true/false, or a symbol of the fact), or
// a parenthesised condition. A comparison whose fact is absent is false.
class Condition {
 public:
  // INVALID_ARGUMENT naming the position and problem: unknown fact, a symbol
  // the fact does not have, an operator the fact's type does not allow.
  static absl::StatusOr<Condition> Parse(absl::string_view text);

  bool Evaluate(const FactValues& facts) const;

  // Every fact the condition reads, for checks at load.
  const std::vector<Fact>& facts_read() const { return facts_read_; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::vector<Fact> facts_read_;
};

}  // namespace osteoflow::screening

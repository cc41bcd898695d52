#pragma once

#include <array>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"

#include "osteoflow/screening/v1/screening.pb.h"
#include "services/screening/domain/intake_facts.h"
#include "services/screening/domain/rule_set.h"

namespace osteoflow::screening {

// What the rules decided for one intake, as pointers into the compiled rule
// set: nothing is copied while rules fire, and the result is written once.
// Inline storage: a limit or a tag is set by one or two rules, so deciding
// allocates nothing.
using RuleList = absl::InlinedVector<const CompiledRule*, 4>;

// Adds a rule unless it is there already (a rule may fire several effects).
void AddRule(const CompiledRule& rule, RuleList& rules);

// A "lowest wins" limit (impact ceiling, intensity cap, load cap) and the
// rules that set the winning value.
struct LowestLimit {
  int value = 0;  // 0 = none applied yet
  RuleList rules;

  void Offer(int offered, const CompiledRule& rule);
};

// An effect that adds an item to the result, with the rule behind it.
struct Fired {
  const CompiledEffect* effect;
  const CompiledRule* rule;
};

using FiredList = absl::InlinedVector<Fired, 8>;

struct Decisions {
  RuleList bone_rules;
  FiredList red_flags;
  FiredList clearances;
  FiredList supervision;
  FiredList fall_risk;
  LowestLimit impact;
  LowestLimit intensity;
  LowestLimit load;
  // By tag number, so the result lists them in a stable order.
  std::array<RuleList, osteoflow::common::v1::SafetyTag_ARRAYSIZE> excluded_tags;
  // The first effect that excluded each tag: its wire form is the whole
  // exclusion when no other rule excluded the tag too.
  std::array<const CompiledEffect*, osteoflow::common::v1::SafetyTag_ARRAYSIZE> first_exclusion{};
  // Wire forms of the continuations of activities already done
  // (IMP-CONTINUE), in rule order, then intake order.
  absl::InlinedVector<absl::string_view, 4> continuations;

  // Settled from the above once every rule has run.
  osteoflow::screening::v1::Outcome outcome = osteoflow::screening::v1::OUTCOME_UNSPECIFIED;
  RuleList outcome_rules;
  osteoflow::screening::v1::ClearanceLevel clearance_level =
      osteoflow::screening::v1::CLEARANCE_LEVEL_NOT_NEEDED;
};

}  // namespace osteoflow::screening

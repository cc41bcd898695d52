#pragma once

#include <map>
#include <vector>

#include "osteoflow/screening/v1/screening.pb.h"
#include "services/screening/domain/intake_facts.h"
#include "services/screening/domain/rule_set.h"

namespace osteoflow::screening {

// What the rules decided for one intake, as pointers into the compiled rule
// set: nothing is copied while rules fire, and the result is written once.
using RuleList = std::vector<const CompiledRule*>;

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

struct Decisions {
  RuleList bone_rules;
  std::vector<Fired> red_flags;
  std::vector<Fired> clearances;
  std::vector<Fired> supervision;
  std::vector<Fired> fall_risk;
  LowestLimit impact;
  LowestLimit intensity;
  LowestLimit load;
  std::map<int, RuleList> excluded_tags;  // ordered by tag: a stable result

  // Settled from the above once every rule has run.
  osteoflow::screening::v1::Outcome outcome = osteoflow::screening::v1::OUTCOME_UNSPECIFIED;
  RuleList outcome_rules;
  osteoflow::screening::v1::ClearanceLevel clearance_level =
      osteoflow::screening::v1::CLEARANCE_LEVEL_NOT_NEEDED;
};

}  // namespace osteoflow::screening

#include "services/screening/domain/screening_engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/screening/domain/decisions.h"
#include "services/screening/domain/intake_facts.h"
#include "services/screening/encoding/result_wire.h"

namespace osteoflow::screening {

void AddRule(const CompiledRule& rule, RuleList& rules) {
  for (const CompiledRule* existing : rules) {
    if (existing == &rule) return;
  }
  rules.push_back(&rule);
}

void LowestLimit::Offer(int offered, const CompiledRule& rule) {
  if (value == 0 || offered < value) {
    value = offered;
    rules.clear();
  }
  if (offered == value) AddRule(rule, rules);
}

namespace {

using v1::Effect;

void Apply(const CompiledEffect& compiled, const CompiledRule& rule, FactValues& facts,
           Decisions& decisions) {
  const Effect& effect = compiled.effect;
  switch (effect.effect_case()) {
    case Effect::kBoneCategory:
      facts.Set(Fact::kBoneCategory, effect.bone_category());
      facts.Set(Fact::kBoneTreatedAs, effect.bone_category());
      AddRule(rule, decisions.bone_rules);
      break;
    case Effect::kTreatBoneAs:
      facts.Set(Fact::kBoneTreatedAs, effect.treat_bone_as());
      AddRule(rule, decisions.bone_rules);
      break;
    case Effect::kSevereOsteoporosis:
      facts.SetFlag(Fact::kSevereOsteoporosis, true);
      AddRule(rule, decisions.bone_rules);
      break;
    case Effect::kRedFlag:
      decisions.red_flags.push_back({&compiled, &rule});
      break;
    case Effect::kClearance:
      decisions.clearances.push_back({&compiled, &rule});
      break;
    case Effect::kSupervision:
      decisions.supervision.push_back({&compiled, &rule});
      break;
    case Effect::kFallRisk:
      facts.SetFlag(Fact::kFallRisk, true);
      decisions.fall_risk.push_back({&compiled, &rule});
      break;
    case Effect::kImpactCeiling:
      decisions.impact.Offer(effect.impact_ceiling(), rule);
      break;
    case Effect::kExcludeTag:
      // Tags are known values: the rule set refuses others at load.
      AddRule(rule, decisions.excluded_tags[static_cast<size_t>(effect.exclude_tag())]);
      if (decisions.first_exclusion[static_cast<size_t>(effect.exclude_tag())] == nullptr) {
        decisions.first_exclusion[static_cast<size_t>(effect.exclude_tag())] = &compiled;
      }
      break;
    case Effect::kAerobicIntensityCap:
      decisions.intensity.Offer(effect.aerobic_intensity_cap(), rule);
      break;
    case Effect::kMaxPercentOneRepMax:
      decisions.load.Offer(effect.max_percent_one_rep_max(), rule);
      break;
    case Effect::kContinueActivity:  // per activity, in ContinueActivities
    case Effect::EFFECT_NOT_SET:
      break;
  }
}

// The continuation a clause's effects make for an exercise, or null when
// none of them covers it.
const CompiledEffect::Continuation* Covering(const CompiledClause& clause,
                                             absl::string_view exercise) {
  for (const CompiledEffect& effect : clause.effects) {
    for (const CompiledEffect::Continuation& continuation : effect.continuations) {
      if (continuation.exercise == exercise) return &continuation;
    }
  }
  return nullptr;
}

// Reads a continuing clause once for each regular activity it covers, with
// that activity's facts. A name outside the catalog is never covered: no
// rule can tell what it involves.
void ContinueActivities(const CompiledClause& clause, const v1::Intake& intake, FactValues& facts,
                        Decisions& decisions) {
  for (const v1::RegularActivity& activity : intake.regular_activities()) {
    if (activity.activity_case() != v1::RegularActivity::kExercise) continue;
    const CompiledEffect::Continuation* continuation = Covering(clause, activity.exercise());
    if (continuation == nullptr) continue;
    SetActivityFacts(activity, facts);
    const bool holds = clause.when.Evaluate(facts);
    ClearActivityFacts(facts);
    if (holds) decisions.continuations.push_back(continuation->wire);
  }
}

// The clearance level is the highest any reason asks for. The outcome: REFER
// for any red flag; then a clearance required before starting; then
// supervision; otherwise proceed. Each names the rules that decided it.
void Settle(Decisions& decisions) {
  for (const Fired& fired : decisions.clearances) {
    decisions.clearance_level =
        std::max(decisions.clearance_level, fired.effect->effect.clearance().level());
  }
  decisions.outcome = v1::OUTCOME_PROCEED;
  if (!decisions.red_flags.empty()) {
    decisions.outcome = v1::OUTCOME_REFER;
    for (const Fired& fired : decisions.red_flags) AddRule(*fired.rule, decisions.outcome_rules);
    return;
  }
  for (const Fired& fired : decisions.clearances) {
    const v1::ClearanceEffect& clearance = fired.effect->effect.clearance();
    if (clearance.level() == v1::CLEARANCE_LEVEL_REQUIRED &&
        clearance.scope() == v1::CLEARANCE_SCOPE_BEFORE_STARTING) {
      decisions.outcome = v1::OUTCOME_PROCEED_AFTER_CLEARANCE;
      AddRule(*fired.rule, decisions.outcome_rules);
    }
  }
  if (decisions.outcome == v1::OUTCOME_PROCEED && !decisions.supervision.empty()) {
    decisions.outcome = v1::OUTCOME_SUPERVISED_ONLY;
    for (const Fired& fired : decisions.supervision) AddRule(*fired.rule, decisions.outcome_rules);
  }
}

void AddCitations(const RuleList& rules, WireParts& citations) {
  for (const CompiledRule* rule : rules) citations.push_back(rule->citation_wire);
}

void AddItems(const FiredList& fired, WireParts& items) {
  for (const Fired& item : fired) items.push_back(item.effect->item_wire);
}

// Items of one kind once each (several clauses of a rule may give the same one).
void AddDistinctItems(const FiredList& fired, WireParts& items) {
  for (const Fired& item : fired) {
    const absl::string_view wire = item.effect->item_wire;
    if (std::find(items.begin(), items.end(), wire) == items.end()) items.push_back(wire);
  }
}

void SetLimit(const LowestLimit& limit, LimitParts& parts) {
  parts.level = limit.value;
  AddCitations(limit.rules, parts.rules);
}

// The settled decisions as a result's parts, pointing into the rule set's
// wire forms: nothing is copied.
void SetResultParts(const Decisions& decisions, const FactValues& facts,
                    const DensityReading& reading, ScreeningResultParts& result) {
  result.outcome = decisions.outcome;
  AddCitations(decisions.outcome_rules, result.outcome_rules);

  BoneStatusParts& bone = result.bone_status;
  bone.category = static_cast<v1::BoneCategory>(static_cast<int>(*facts.Get(Fact::kBoneCategory)));
  bone.treated_as = static_cast<v1::BoneCategory>(static_cast<int>(*facts.Get(Fact::kBoneTreatedAs)));
  bone.lowest_t_score = reading.lowest_t_score;
  bone.lowest_t_score_site = reading.lowest_t_score_site;
  bone.lowest_z_score = reading.lowest_z_score;
  bone.lowest_z_score_site = reading.lowest_z_score_site;
  bone.severe = facts.Flag(Fact::kSevereOsteoporosis);
  AddCitations(decisions.bone_rules, bone.rules);

  AddItems(decisions.red_flags, result.red_flags);
  result.clearance_level = decisions.clearance_level;
  AddItems(decisions.clearances, result.clearance_reasons);
  AddDistinctItems(decisions.supervision, result.supervision_reasons);
  result.supervision_required = !result.supervision_reasons.empty();
  AddDistinctItems(decisions.fall_risk, result.fall_risk_reasons);
  result.fall_risk_flagged = !result.fall_risk_reasons.empty();

  SetLimit(decisions.impact, result.impact_ceiling);
  for (size_t tag = 0; tag < decisions.excluded_tags.size(); ++tag) {
    const RuleList& rules = decisions.excluded_tags[tag];
    if (rules.empty()) continue;
    TagExclusionParts& excluded = result.excluded_tags.emplace_back();
    if (rules.size() == 1) {
      excluded.made_at_load = decisions.first_exclusion[tag]->item_wire;
    } else {
      excluded.tag = static_cast<osteoflow::common::v1::SafetyTag>(tag);
      AddCitations(rules, excluded.rules);
    }
  }
  if (decisions.intensity.value != 0) {
    SetLimit(decisions.intensity, result.aerobic_intensity_cap.emplace());
  }
  if (decisions.load.value != 0) SetLimit(decisions.load, result.load_cap.emplace());
  for (absl::string_view continuation : decisions.continuations) {
    result.continuations.push_back(continuation);
  }
}

}  // namespace

absl::StatusOr<std::string> EvaluateIntakeWire(const RuleSet& rules, const v1::Intake& intake) {
  DensityReading reading;
  FactValues facts = ExtractFacts(intake, &reading);
  Decisions decisions;
  for (const CompiledRule& rule : rules.rules()) {
    for (const CompiledClause& clause : rule.clauses) {
      if (clause.per_activity) {
        ContinueActivities(clause, intake, facts, decisions);
        continue;
      }
      if (!clause.when.Evaluate(facts)) continue;
      for (const CompiledEffect& effect : clause.effects) Apply(effect, rule, facts, decisions);
    }
  }
  if (decisions.impact.value == 0) {
    return absl::InternalError(absl::StrCat("rule set ", rules.version(),
                                            " gave this intake no impact ceiling"));
  }
  Settle(decisions);
  ScreeningResultParts result;
  SetResultParts(decisions, facts, reading, result);
  result.rule_set_version = rules.version();
  return ScreeningResultWire(result);
}

absl::StatusOr<v1::ScreeningResult> EvaluateIntake(const RuleSet& rules, const v1::Intake& intake) {
  absl::StatusOr<std::string> wire = EvaluateIntakeWire(rules, intake);
  if (!wire.ok()) return wire.status();
  v1::ScreeningResult result;
  if (!result.ParseFromString(*wire)) return absl::InternalError("result: written unreadable");
  return result;
}

}  // namespace osteoflow::screening

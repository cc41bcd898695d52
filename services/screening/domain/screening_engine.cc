#include "services/screening/domain/screening_engine.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/screening/domain/intake_facts.h"

namespace osteoflow::screening {
namespace {

using osteoflow::common::v1::RuleCitation;
using v1::Effect;
using v1::ScreeningResult;
using Citations = google::protobuf::RepeatedPtrField<RuleCitation>;

// Citations are gathered as pointers into the compiled rule set and copied
// into the result once, at the end: a rule may fire many effects.
using CitationList = std::vector<const RuleCitation*>;

void Cite(const RuleCitation& citation, CitationList& citations) {
  for (const RuleCitation* existing : citations) {
    if (existing->rule_id() == citation.rule_id()) return;
  }
  citations.push_back(&citation);
}

void CopyCitations(const CitationList& citations, Citations* out) {
  out->Reserve(static_cast<int>(citations.size()));
  for (const RuleCitation* citation : citations) *out->Add() = *citation;
}

// A "lowest wins" limit (impact ceiling, intensity cap, load cap) and the
// rules that set the winning value.
struct LowestLimit {
  int value = 0;  // 0 = none applied yet
  CitationList rules;

  void Offer(int offered, const RuleCitation& citation) {
    if (value == 0 || offered < value) {
      value = offered;
      rules.clear();
    }
    if (offered == value) Cite(citation, rules);
  }
};

// An effect that adds an item to the result, with the rule behind it.
struct Fired {
  const Effect* effect;
  const RuleCitation* citation;
};

// Everything the applied effects decided, before it becomes a result.
struct Decisions {
  CitationList bone_rules;
  std::vector<Fired> red_flags;
  std::vector<Fired> clearances;
  std::vector<Fired> supervision;
  std::vector<Fired> fall_risk;
  LowestLimit impact;
  LowestLimit intensity;
  LowestLimit load;
  std::map<int, CitationList> excluded_tags;  // ordered by tag: a stable result
};

void Apply(const Effect& effect, const RuleCitation& citation, FactValues& facts,
           Decisions& decisions) {
  switch (effect.effect_case()) {
    case Effect::kBoneCategory:
      facts.Set(Fact::kBoneCategory, effect.bone_category());
      facts.Set(Fact::kBoneTreatedAs, effect.bone_category());
      Cite(citation, decisions.bone_rules);
      break;
    case Effect::kTreatBoneAs:
      facts.Set(Fact::kBoneTreatedAs, effect.treat_bone_as());
      Cite(citation, decisions.bone_rules);
      break;
    case Effect::kSevereOsteoporosis:
      facts.SetFlag(Fact::kSevereOsteoporosis, true);
      Cite(citation, decisions.bone_rules);
      break;
    case Effect::kRedFlag:
      decisions.red_flags.push_back({&effect, &citation});
      break;
    case Effect::kClearance:
      decisions.clearances.push_back({&effect, &citation});
      break;
    case Effect::kSupervision:
      decisions.supervision.push_back({&effect, &citation});
      break;
    case Effect::kFallRisk:
      facts.SetFlag(Fact::kFallRisk, true);
      decisions.fall_risk.push_back({&effect, &citation});
      break;
    case Effect::kImpactCeiling:
      decisions.impact.Offer(effect.impact_ceiling(), citation);
      break;
    case Effect::kExcludeTag:
      Cite(citation, decisions.excluded_tags[effect.exclude_tag()]);
      break;
    case Effect::kAerobicIntensityCap:
      decisions.intensity.Offer(effect.aerobic_intensity_cap(), citation);
      break;
    case Effect::kMaxPercentOneRepMax:
      decisions.load.Offer(effect.max_percent_one_rep_max(), citation);
      break;
    case Effect::EFFECT_NOT_SET:
      break;
  }
}

// One reason per (rule, text): several clauses may give the same one.
void FillReasons(const std::vector<Fired>& fired, const std::string& (Effect::*text)() const,
                 google::protobuf::RepeatedPtrField<v1::Reason>* reasons) {
  for (size_t i = 0; i < fired.size(); ++i) {
    const std::string& reason = (fired[i].effect->*text)();
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j) {
      seen = fired[j].citation == fired[i].citation && (fired[j].effect->*text)() == reason;
    }
    if (seen) continue;
    v1::Reason* out = reasons->Add();
    *out->mutable_rule() = *fired[i].citation;
    out->set_reason(reason);
  }
}

void FillFindings(const Decisions& decisions, ScreeningResult& result) {
  for (const Fired& fired : decisions.red_flags) {
    v1::RedFlag* flag = result.add_red_flags();
    *flag->mutable_rule() = *fired.citation;
    flag->set_finding(fired.effect->red_flag().finding());
    flag->set_refer_to(fired.effect->red_flag().refer_to());
  }
  for (const Fired& fired : decisions.clearances) {
    v1::ClearanceReason* reason = result.mutable_clearance()->add_reasons();
    *reason->mutable_rule() = *fired.citation;
    reason->set_level(fired.effect->clearance().level());
    reason->set_scope(fired.effect->clearance().scope());
    reason->set_reason(fired.effect->clearance().reason());
  }
  FillReasons(decisions.supervision, &Effect::supervision,
              result.mutable_supervision()->mutable_reasons());
  FillReasons(decisions.fall_risk, &Effect::fall_risk, result.mutable_fall_risk()->mutable_reasons());
  result.mutable_supervision()->set_required(!decisions.supervision.empty());
  result.mutable_fall_risk()->set_flagged(!decisions.fall_risk.empty());
}

void FillBoneStatus(const FactValues& facts, const DensityReading& reading,
                    const Decisions& decisions, ScreeningResult& result) {
  v1::BoneStatus* bone = result.mutable_bone_status();
  bone->set_category(static_cast<v1::BoneCategory>(*facts.Get(Fact::kBoneCategory)));
  bone->set_treated_as(static_cast<v1::BoneCategory>(*facts.Get(Fact::kBoneTreatedAs)));
  if (reading.lowest_t_score) {
    bone->set_lowest_t_score(*reading.lowest_t_score);
    bone->set_lowest_t_score_site(reading.lowest_t_score_site);
  }
  if (reading.lowest_z_score) {
    bone->set_lowest_z_score(*reading.lowest_z_score);
    bone->set_lowest_z_score_site(reading.lowest_z_score_site);
  }
  bone->set_severe(facts.Flag(Fact::kSevereOsteoporosis));
  CopyCitations(decisions.bone_rules, bone->mutable_rules());
}

void FillRestrictions(const Decisions& decisions, ScreeningResult& result) {
  osteoflow::common::v1::Restrictions* restrictions = result.mutable_restrictions();
  restrictions->mutable_impact_ceiling()->set_level(
      static_cast<osteoflow::common::v1::ImpactLevel>(decisions.impact.value));
  CopyCitations(decisions.impact.rules, restrictions->mutable_impact_ceiling()->mutable_rules());
  for (const auto& [tag, rules] : decisions.excluded_tags) {
    osteoflow::common::v1::TagExclusion* exclusion = restrictions->add_excluded_tags();
    exclusion->set_tag(static_cast<osteoflow::common::v1::SafetyTag>(tag));
    CopyCitations(rules, exclusion->mutable_rules());
  }
  if (decisions.intensity.value != 0) {
    restrictions->mutable_aerobic_intensity_cap()->set_max_intensity(
        static_cast<osteoflow::common::v1::Intensity>(decisions.intensity.value));
    CopyCitations(decisions.intensity.rules,
                  restrictions->mutable_aerobic_intensity_cap()->mutable_rules());
  }
  if (decisions.load.value != 0) {
    restrictions->mutable_load_cap()->set_max_percent_one_rep_max(decisions.load.value);
    CopyCitations(decisions.load.rules, restrictions->mutable_load_cap()->mutable_rules());
  }
}

// Clearance level is the highest any reason asks for.
void SettleClearance(v1::Clearance& clearance) {
  v1::ClearanceLevel level = v1::CLEARANCE_LEVEL_NOT_NEEDED;
  for (const v1::ClearanceReason& reason : clearance.reasons()) {
    if (reason.level() > level) level = reason.level();
  }
  clearance.set_level(level);
}

// REFER for any red flag; then a clearance needed before starting; then
// supervision; otherwise proceed. Each cites the rules that decided it.
void SettleOutcome(const Decisions& decisions, ScreeningResult& result) {
  CitationList rules;
  v1::Outcome outcome = v1::OUTCOME_PROCEED;
  if (!decisions.red_flags.empty()) {
    outcome = v1::OUTCOME_REFER;
    for (const Fired& fired : decisions.red_flags) Cite(*fired.citation, rules);
  } else {
    for (const Fired& fired : decisions.clearances) {
      if (fired.effect->clearance().level() == v1::CLEARANCE_LEVEL_REQUIRED &&
          fired.effect->clearance().scope() == v1::CLEARANCE_SCOPE_BEFORE_STARTING) {
        outcome = v1::OUTCOME_PROCEED_AFTER_CLEARANCE;
        Cite(*fired.citation, rules);
      }
    }
    if (outcome == v1::OUTCOME_PROCEED && !decisions.supervision.empty()) {
      outcome = v1::OUTCOME_SUPERVISED_ONLY;
      for (const Fired& fired : decisions.supervision) Cite(*fired.citation, rules);
    }
  }
  result.set_outcome(outcome);
  CopyCitations(rules, result.mutable_outcome_rules());
}

}  // namespace

absl::Status EvaluateIntake(const RuleSet& rules, const v1::Intake& intake,
                            ScreeningResult* result) {
  DensityReading reading;
  FactValues facts = ExtractFacts(intake, &reading);
  Decisions decisions;
  for (const CompiledRule& rule : rules.rules()) {
    for (const CompiledClause& clause : rule.clauses) {
      if (!clause.when.Evaluate(facts)) continue;
      for (const Effect& effect : clause.effects) Apply(effect, rule.citation, facts, decisions);
    }
  }
  if (decisions.impact.value == 0) {
    return absl::InternalError(absl::StrCat("rule set ", rules.version(),
                                            " gave this intake no impact ceiling"));
  }
  result->Clear();
  SettleOutcome(decisions, *result);
  FillBoneStatus(facts, reading, decisions, *result);
  FillFindings(decisions, *result);
  SettleClearance(*result->mutable_clearance());
  FillRestrictions(decisions, *result);
  result->set_rule_set_version(rules.version());
  return absl::OkStatus();
}

absl::StatusOr<ScreeningResult> EvaluateIntake(const RuleSet& rules, const v1::Intake& intake) {
  ScreeningResult result;
  if (absl::Status status = EvaluateIntake(rules, intake, &result); !status.ok()) return status;
  return result;
}

}  // namespace osteoflow::screening

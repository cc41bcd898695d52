#include "services/screening/domain/rule_set.h"

#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/clinical/never_lifted.h"
#include "common/config/json_file.h"
#include "common/digest/content_digest.h"
#include "common/status/field_violations.h"
#include "common/text/resource_names.h"

namespace osteoflow::screening {
namespace {

using v1::Effect;
using v1::RuleSetDocument;

// The screening rules of the clinical reference (sections 1-4). A rule set
// that leaves one out cannot be loaded: a reviewer deleting a rule by accident
// must not silently weaken every screening.
constexpr absl::string_view kRequiredRules[] = {
    "BONE-TSCORE",   "BONE-SEVERE",   "BONE-ZSCORE", "BONE-NODXA",     "RF-CHEST",
    "RF-DIZZY",      "RF-BACKPAIN",   "RF-HEIGHT",   "RF-RECENT-FX",   "RF-BREATH",
    "CLR-DISEASE",   "CLR-CONDITIONS", "CLR-AGE40",  "CLR-DIAGNOSIS",  "SUP-VF",
    "SUP-FALLS",     "SUP-HIGHLOAD",  "IMP-NORMAL",  "IMP-LOWBONE",    "IMP-VF",
    "IMP-FALLS",     "AVOID-FLEXION", "AVOID-TWIST", "AVOID-NECK",     "AVOID-JERK",
    "AVOID-FLOORLIFT", "AVOID-FALLRISK", "AVOID-SLR", "IMP-CONTINUE"};

// The only rule that may continue activities a new starter would not get.
constexpr absl::string_view kContinueRule = "IMP-CONTINUE";

constexpr size_t kMaxModificationLength = 500;

constexpr size_t kDigestPrefix = 12;

bool IsRuleId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

bool IsVersion(absl::string_view version) {
  if (version.empty() || version.size() > 32) return false;
  for (char c : version) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  }
  return true;
}

// The rule an exclusion of an AVOID tag must sit in: SAFETY_TAG_AVOID_FLEXION
// belongs to AVOID-FLEXION, so the tag and its rule id cannot drift apart.
std::string RuleOfAvoidTag(osteoflow::common::v1::SafetyTag tag) {
  std::string name = osteoflow::common::v1::SafetyTag_Name(tag);
  absl::string_view rest(name);
  if (!absl::ConsumePrefix(&rest, "SAFETY_TAG_AVOID_")) return "";
  return absl::StrCat("AVOID-", absl::StrReplaceAll(rest, {{"_", "-"}}));
}

// The decided facts an effect sets, for the read-before-set check.
std::vector<Fact> FactsSetBy(const Effect& effect) {
  switch (effect.effect_case()) {
    case Effect::kBoneCategory:
      return {Fact::kBoneCategory, Fact::kBoneTreatedAs};
    case Effect::kTreatBoneAs:
      return {Fact::kBoneTreatedAs};
    case Effect::kSevereOsteoporosis:
      return {Fact::kSevereOsteoporosis};
    case Effect::kFallRisk:
      return {Fact::kFallRisk};
    default:
      return {};
  }
}

template <typename IsValid>
void CheckEnum(int value, IsValid is_valid, const std::string& at, FieldViolations& problems) {
  if (value == 0 || !is_valid(value)) problems.Add(at, "required, a known value");
}

void CheckText(const std::string& text, const std::string& at, FieldViolations& problems) {
  if (text.empty()) problems.Add(at, "required: say it in plain language");
}

void CheckContinuation(const v1::ContinueActivityEffect& effect, absl::string_view rule_id,
                       const std::string& at, absl::flat_hash_set<std::string>& continued,
                       FieldViolations& problems) {
  if (rule_id != kContinueRule) {
    problems.Add(at, absl::StrCat("only rule ", kContinueRule, " continues activities"));
  }
  if (effect.exercises().empty()) problems.Add(at + ".exercises", "at least one catalog exercise");
  for (int i = 0; i < effect.exercises_size(); ++i) {
    const std::string field = absl::StrCat(at, ".exercises[", i, "]");
    if (!SplitResourceName(effect.exercises(i), "exercises/{id}", field).ok()) {
      problems.Add(field, "want \"exercises/{id}\"");
    } else if (!continued.insert(effect.exercises(i)).second) {
      problems.Add(field, "continued by another effect already");
    }
  }
  CheckEnum(effect.max_impact(), osteoflow::common::v1::ImpactLevel_IsValid, at + ".max_impact",
            problems);
  for (int i = 0; i < effect.lifted_tags_size(); ++i) {
    const std::string field = absl::StrCat(at, ".lifted_tags[", i, "]");
    const int tag = effect.lifted_tags(i);
    CheckEnum(tag, osteoflow::common::v1::SafetyTag_IsValid, field, problems);
    if (IsNeverLifted(tag)) {
      problems.Add(field, "this movement class is never lifted for an activity already done");
    }
  }
  CheckText(effect.modification(), at + ".modification", problems);
  if (effect.modification().size() > kMaxModificationLength) {
    problems.Add(at + ".modification", absl::StrCat("at most ", kMaxModificationLength, " characters"));
  }
}

void CheckEffect(const Effect& effect, absl::string_view rule_id, const std::string& at,
                 absl::flat_hash_set<std::string>& continued, FieldViolations& problems) {
  switch (effect.effect_case()) {
    case Effect::kBoneCategory:
      CheckEnum(effect.bone_category(), v1::BoneCategory_IsValid, at + ".bone_category", problems);
      break;
    case Effect::kTreatBoneAs:
      CheckEnum(effect.treat_bone_as(), v1::BoneCategory_IsValid, at + ".treat_bone_as", problems);
      break;
    case Effect::kSevereOsteoporosis:
      if (!effect.severe_osteoporosis()) problems.Add(at, "severe_osteoporosis must be true");
      break;
    case Effect::kRedFlag:
      CheckText(effect.red_flag().finding(), at + ".red_flag.finding", problems);
      CheckEnum(effect.red_flag().refer_to(), v1::ReferralTarget_IsValid,
                at + ".red_flag.refer_to", problems);
      break;
    case Effect::kClearance:
      if (effect.clearance().level() == v1::CLEARANCE_LEVEL_NOT_NEEDED) {
        problems.Add(at + ".clearance.level", "a rule asks for clearance; NOT_NEEDED is the default");
      }
      CheckEnum(effect.clearance().level(), v1::ClearanceLevel_IsValid, at + ".clearance.level",
                problems);
      CheckEnum(effect.clearance().scope(), v1::ClearanceScope_IsValid, at + ".clearance.scope",
                problems);
      CheckText(effect.clearance().reason(), at + ".clearance.reason", problems);
      break;
    case Effect::kSupervision:
      CheckText(effect.supervision(), at + ".supervision", problems);
      break;
    case Effect::kFallRisk:
      CheckText(effect.fall_risk(), at + ".fall_risk", problems);
      break;
    case Effect::kImpactCeiling:
      CheckEnum(effect.impact_ceiling(), osteoflow::common::v1::ImpactLevel_IsValid,
                at + ".impact_ceiling", problems);
      break;
    case Effect::kExcludeTag: {
      CheckEnum(effect.exclude_tag(), osteoflow::common::v1::SafetyTag_IsValid,
                at + ".exclude_tag", problems);
      const std::string owner = RuleOfAvoidTag(effect.exclude_tag());
      if (!owner.empty() && owner != rule_id) {
        problems.Add(at + ".exclude_tag", absl::StrCat("this tag is excluded by rule ", owner));
      }
      break;
    }
    case Effect::kAerobicIntensityCap:
      CheckEnum(effect.aerobic_intensity_cap(), osteoflow::common::v1::Intensity_IsValid,
                at + ".aerobic_intensity_cap", problems);
      break;
    case Effect::kMaxPercentOneRepMax:
      if (effect.max_percent_one_rep_max() < 1 || effect.max_percent_one_rep_max() > 100) {
        problems.Add(at + ".max_percent_one_rep_max", "must be 1..100");
      }
      break;
    case Effect::kContinueActivity:
      CheckContinuation(effect.continue_activity(), rule_id, at + ".continue_activity", continued,
                        problems);
      break;
    case Effect::EFFECT_NOT_SET:
      problems.Add(at, "empty effect");
      break;
  }
}

// The continuations a continue_activity effect adds, one per exercise, made
// once at load as the other result items are.
std::vector<CompiledEffect::Continuation> ContinuationWires(
    const Effect& effect, const osteoflow::common::v1::RuleCitation& citation) {
  std::vector<CompiledEffect::Continuation> wires;
  if (effect.effect_case() != Effect::kContinueActivity) return wires;
  const v1::ContinueActivityEffect& continuing = effect.continue_activity();
  for (const std::string& exercise : continuing.exercises()) {
    osteoflow::common::v1::ActivityContinuation continuation;
    continuation.set_exercise(exercise);
    continuation.set_modification(continuing.modification());
    *continuation.mutable_rule() = citation;
    continuation.set_max_impact(continuing.max_impact());
    *continuation.mutable_lifted_tags() = continuing.lifted_tags();
    wires.push_back({exercise, continuation.SerializeAsString()});
  }
  return wires;
}

// The result item an effect adds, serialised: what the engine answers with
// whenever the effect fires.
std::string ItemWire(const Effect& effect, const osteoflow::common::v1::RuleCitation& citation) {
  switch (effect.effect_case()) {
    case Effect::kRedFlag: {
      v1::RedFlag flag;
      *flag.mutable_rule() = citation;
      flag.set_finding(effect.red_flag().finding());
      flag.set_refer_to(effect.red_flag().refer_to());
      return flag.SerializeAsString();
    }
    case Effect::kClearance: {
      v1::ClearanceReason reason;
      *reason.mutable_rule() = citation;
      reason.set_level(effect.clearance().level());
      reason.set_scope(effect.clearance().scope());
      reason.set_reason(effect.clearance().reason());
      return reason.SerializeAsString();
    }
    case Effect::kSupervision:
    case Effect::kFallRisk: {
      v1::Reason reason;
      *reason.mutable_rule() = citation;
      reason.set_reason(effect.effect_case() == Effect::kSupervision ? effect.supervision()
                                                                     : effect.fall_risk());
      return reason.SerializeAsString();
    }
    case Effect::kExcludeTag: {
      // As the exclusion reads when this rule alone excludes the tag.
      osteoflow::common::v1::TagExclusion exclusion;
      exclusion.set_tag(effect.exclude_tag());
      *exclusion.add_rules() = citation;
      return exclusion.SerializeAsString();
    }
    default:
      return "";
  }
}

// Checks one rule and compiles its clauses. `decided` holds the decided facts
// set by earlier rules and clauses; reading one before it is set is an error.
CompiledRule CompileRule(const v1::Rule& rule, const std::string& at,
                         const absl::flat_hash_set<std::string>& source_keys,
                         std::set<Fact>& decided, absl::flat_hash_set<std::string>& continued,
                         FieldViolations& problems) {
  CompiledRule compiled;
  compiled.citation.set_rule_id(rule.id());
  if (!IsRuleId(rule.id())) problems.Add(at + ".id", "required: an id of the clinical reference");
  CheckText(rule.summary(), at + ".summary", problems);
  if (rule.source_keys().empty()) problems.Add(at + ".source_keys", "at least one source");
  for (int s = 0; s < rule.source_keys_size(); ++s) {
    if (!source_keys.contains(rule.source_keys(s))) {
      problems.Add(absl::StrCat(at, ".source_keys[", s, "]"),
                   absl::StrCat("unknown source ", rule.source_keys(s)));
    }
    compiled.citation.add_source_keys(rule.source_keys(s));
  }
  if (rule.clauses().empty()) problems.Add(at + ".clauses", "at least one clause");
  for (int c = 0; c < rule.clauses_size(); ++c) {
    const v1::Clause& clause = rule.clauses(c);
    const std::string clause_at = absl::StrCat(at, ".clauses[", c, "]");
    // A clause that continues activities is read per activity; mixing its
    // effects with others would apply those once per activity, or read an
    // activity's facts where there is none.
    bool continues = false, other_effects = false;
    for (const Effect& effect : clause.then()) {
      (effect.effect_case() == Effect::kContinueActivity ? continues : other_effects) = true;
    }
    if (continues && other_effects) {
      problems.Add(clause_at + ".then", "continue_activity effects stand in a clause of their own");
    }
    absl::StatusOr<Condition> when = Condition::Parse(clause.when());
    if (!when.ok()) {
      problems.Add(clause_at + ".when", when.status().message());
    } else {
      for (Fact fact : when->facts_read()) {
        if (DefinitionOf(fact).decided && !decided.contains(fact)) {
          problems.Add(clause_at + ".when", absl::StrCat("reads ", DefinitionOf(fact).name,
                                                         " before any earlier rule sets it"));
        }
        if (DefinitionOf(fact).per_activity && !continues) {
          problems.Add(clause_at + ".when",
                       absl::StrCat("reads ", DefinitionOf(fact).name,
                                    ", which only a clause that continues activities can read"));
        }
      }
    }
    if (clause.then().empty()) problems.Add(clause_at + ".then", "at least one effect");
    for (int e = 0; e < clause.then_size(); ++e) {
      CheckEffect(clause.then(e), rule.id(), absl::StrCat(clause_at, ".then[", e, "]"), continued,
                  problems);
    }
    for (const Effect& effect : clause.then()) {
      for (Fact fact : FactsSetBy(effect)) decided.insert(fact);
    }
    if (when.ok()) {
      CompiledClause& compiled_clause = compiled.clauses.emplace_back();
      compiled_clause.when = *std::move(when);
      compiled_clause.per_activity = continues;
      for (const Effect& effect : clause.then()) {
        compiled_clause.effects.push_back({effect, ItemWire(effect, compiled.citation),
                                           ContinuationWires(effect, compiled.citation)});
      }
    }
  }
  compiled.citation_wire = compiled.citation.SerializeAsString();
  return compiled;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RuleSet>> RuleSet::FromDocument(
    const RuleSetDocument& document) {
  FieldViolations problems(100);
  if (!IsVersion(document.version())) {
    problems.Add("version", "required: letters, digits, '.' and '-', at most 32");
  }
  absl::flat_hash_set<std::string> source_keys;
  for (int i = 0; i < document.sources_size(); ++i) {
    const v1::RuleSource& source = document.sources(i);
    const std::string at = absl::StrCat("sources[", i, "]");
    if (source.key().empty() || !source_keys.insert(source.key()).second) {
      problems.Add(at + ".key", "required and unique");
    }
    CheckText(source.citation(), at + ".citation", problems);
  }

  auto rule_set = std::shared_ptr<RuleSet>(new RuleSet());
  absl::flat_hash_set<std::string> rule_ids;
  std::set<Fact> decided;
  absl::flat_hash_set<std::string> continued;
  for (int i = 0; i < document.rules_size(); ++i) {
    const v1::Rule& rule = document.rules(i);
    const std::string at = absl::StrCat("rules[", i, "] (", rule.id(), ")");
    if (!rule_ids.insert(rule.id()).second) problems.Add(at + ".id", "appears twice");
    rule_set->rules_.push_back(CompileRule(rule, at, source_keys, decided, continued, problems));
  }
  for (absl::string_view required : kRequiredRules) {
    if (!rule_ids.contains(required)) {
      problems.Add("rules", absl::StrCat("missing ", required, " of the clinical reference"));
    }
  }
  if (absl::Status status = problems.ToStatus(); !status.ok()) return status;

  rule_set->content_digest_ = ContentDigest(document);
  absl::string_view hex = rule_set->content_digest_;
  absl::ConsumePrefix(&hex, "sha256:");
  rule_set->version_ = absl::StrCat(document.version(), "+", hex.substr(0, kDigestPrefix));
  rule_set->declared_version_ = document.version();
  return rule_set;
}

absl::StatusOr<std::shared_ptr<const RuleSet>> LoadRuleSetFile(const std::string& path) {
  return LoadDataFile<RuleSetDocument>(path, "rule-set", [](RuleSetDocument document) {
    return RuleSet::FromDocument(std::move(document));
  });
}

}  // namespace osteoflow::screening

#include "services/scheduling/domain/plan_rules.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/config/json_file.h"
#include "common/digest/content_digest.h"
#include "common/status/field_violations.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace common = osteoflow::common::v1;

// Every dose rule the clinical reference gives scheduling.
constexpr absl::string_view kRequiredRules[] = {"DOSE-STRENGTH", "DOSE-REPS", "DOSE-IMPACT",
                                                "DOSE-WB",       "DOSE-BALANCE", "DOSE-POSTURE",
                                                "DOSE-FLEX"};

class DocumentCheck {
 public:
  explicit DocumentCheck(const v1::PlanRulesDocument& document) {
    for (const v1::PlanRule& rule : document.rules()) defined_.insert(rule.rule_id());
  }

  void Range(absl::string_view field, int value, int low, int high) {
    if (value < low || value > high) {
      problems_.Add(field, absl::StrCat("must be ", low, "..", high, ", not ", value));
    }
  }
  void AtMost(absl::string_view field, int value, absl::string_view other, int limit) {
    if (value > limit) problems_.Add(field, absl::StrCat("must not exceed ", other));
  }
  void Rule(absl::string_view field, const std::string& rule_id) {
    if (rule_id.empty()) {
      problems_.Add(field, "required");
    } else if (!defined_.contains(rule_id)) {
      problems_.Add(field, absl::StrCat("rule ", rule_id, " is not defined under rules"));
    }
    used_.insert(rule_id);
  }
  void Text(absl::string_view field, const v1::ComponentText& text, absl::string_view rule_id) {
    Rule(absl::StrCat(field, ".text.rule_id"), text.rule_id());
    if (text.rule_id() != rule_id) {
      problems_.Add(absl::StrCat(field, ".text.rule_id"), absl::StrCat("must be ", rule_id));
    }
    if (text.target().empty()) problems_.Add(absl::StrCat(field, ".text.target"), "required");
    if (text.tempo().empty()) problems_.Add(absl::StrCat(field, ".text.tempo"), "required");
  }
  void Add(absl::string_view field, absl::string_view why) { problems_.Add(field, why); }

  bool Used(const std::string& rule_id) const { return used_.contains(rule_id); }
  absl::Status ToStatus() const { return problems_.ToStatus(); }

 private:
  absl::flat_hash_set<std::string> defined_;
  absl::flat_hash_set<std::string> used_;
  FieldViolations problems_{64};
};

void CheckRules(const v1::PlanRulesDocument& document, DocumentCheck& check) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < document.rules_size(); ++i) {
    const v1::PlanRule& rule = document.rules(i);
    const std::string at = absl::StrCat("rules[", i, "]");
    if (rule.rule_id().empty()) check.Add(at + ".rule_id", "required");
    if (!seen.insert(rule.rule_id()).second) check.Add(at + ".rule_id", "defined twice");
    if (rule.summary().empty()) check.Add(at + ".summary", "required");
    if (rule.source_keys().empty()) check.Add(at + ".source_keys", "name at least one source");
  }
  for (absl::string_view required : kRequiredRules) {
    if (!seen.contains(required)) check.Add("rules", absl::StrCat("missing ", required));
  }
}

void CheckStrength(const v1::StrengthDose& strength, DocumentCheck& check) {
  check.Text("strength", strength.text(), "DOSE-STRENGTH");
  // Three is the most non-consecutive days a seven-day week can hold.
  check.Range("strength.min_days", strength.min_days(), 1, 3);
  check.Range("strength.max_days", strength.max_days(), strength.min_days(), 3);
  if (strength.patterns().empty()) check.Add("strength.patterns", "name at least one pattern");
  absl::flat_hash_set<int> patterns;
  for (int i = 0; i < strength.patterns_size(); ++i) {
    const int pattern = strength.patterns(i);
    if (pattern == catalog_v1::MOVEMENT_PATTERN_UNSPECIFIED ||
        !catalog_v1::MovementPattern_IsValid(pattern) || !patterns.insert(pattern).second) {
      check.Add(absl::StrCat("strength.patterns[", i, "]"), "unknown, unspecified or repeated");
    }
  }
  check.Rule("strength.dose_rule_id", strength.dose_rule_id());
  check.Range("strength.start_sets", strength.start_sets(), 1, 10);
  check.Range("strength.max_sets", strength.max_sets(), strength.start_sets(), 10);
  check.Range("strength.reps_min", strength.reps_min(), 1, 100);
  check.Range("strength.reps_max", strength.reps_max(), strength.reps_min(), 100);
  check.Range("strength.minutes_per_set", strength.minutes_per_set(), 1, 10);
  if (strength.load_guide().empty()) check.Add("strength.load_guide", "required");
  check.Rule("strength.start_rule_id", strength.start_rule_id());
  if (strength.start_cue().empty()) check.Add("strength.start_cue", "required");
  check.Rule("strength.unsupervised_rule_id", strength.unsupervised_rule_id());
  check.Range("strength.unsupervised_max_percent_one_rep_max",
              strength.unsupervised_max_percent_one_rep_max(), 1, 100);
  for (int i = 0; i < strength.unsupervised_never_tags_size(); ++i) {
    const int tag = strength.unsupervised_never_tags(i);
    if (tag == common::SAFETY_TAG_UNSPECIFIED || !common::SafetyTag_IsValid(tag)) {
      check.Add(absl::StrCat("strength.unsupervised_never_tags[", i, "]"), "unknown or unspecified tag");
    }
  }
}

void CheckOthers(const v1::PlanRulesDocument& document, DocumentCheck& check) {
  const v1::ImpactDose& impact = document.impact();
  check.Text("impact", impact.text(), "DOSE-IMPACT");
  check.Range("impact.min_days", impact.min_days(), 1, 7);
  check.Range("impact.impacts_per_day", impact.impacts_per_day(), 1, 500);
  check.Range("impact.start_impacts", impact.start_impacts(), 1, impact.impacts_per_day());
  check.Rule("impact.build_up_rule_id", impact.build_up_rule_id());
  check.Range("impact.impacts_per_minute", impact.impacts_per_minute(), 1, 60);

  const v1::AerobicDose& aerobic = document.weight_bearing();
  check.Text("weight_bearing", aerobic.text(), "DOSE-WB");
  check.Range("weight_bearing.min_days", aerobic.min_days(), 1, 7);
  check.Range("weight_bearing.min_bout_minutes", aerobic.min_bout_minutes(), 1, 60);
  check.Range("weight_bearing.minutes_per_day", aerobic.minutes_per_day(),
              aerobic.min_bout_minutes(), 240);
  check.Range("weight_bearing.weekly_minutes", aerobic.weekly_minutes(), 1, 7 * 240);
  check.Rule("weight_bearing.start_rule_id", aerobic.start_rule_id());
  check.Range("weight_bearing.start_minutes", aerobic.start_minutes(), aerobic.min_bout_minutes(),
              aerobic.minutes_per_day());
  if (aerobic.start_cue().empty()) check.Add("weight_bearing.start_cue", "required");
  check.Rule("weight_bearing.fall_risk_rule_id", aerobic.fall_risk_rule_id());
  if (aerobic.fall_risk_cue().empty()) check.Add("weight_bearing.fall_risk_cue", "required");
  check.Range("weight_bearing.fall_risk_start_minutes", aerobic.fall_risk_start_minutes(),
              aerobic.min_bout_minutes(), aerobic.minutes_per_day());
  check.Range("weight_bearing.fall_risk_first_days", aerobic.fall_risk_first_days(), 1, 7);
  if (aerobic.fall_risk_walk_patterns().empty()) check.Add("weight_bearing.fall_risk_walk_patterns", "name at least one pattern");
  for (int i = 0; i < aerobic.fall_risk_walk_patterns_size(); ++i) {
    const int pattern = aerobic.fall_risk_walk_patterns(i);
    if (pattern == catalog_v1::MOVEMENT_PATTERN_UNSPECIFIED || !catalog_v1::MovementPattern_IsValid(pattern)) {
      check.Add(absl::StrCat("weight_bearing.fall_risk_walk_patterns[", i, "]"), "unknown or unspecified pattern");
    }
  }

  const v1::BalanceDose& balance = document.balance();
  check.Text("balance", balance.text(), "DOSE-BALANCE");
  check.Range("balance.min_days", balance.min_days(), 1, 7);
  check.Range("balance.fall_risk_min_days", balance.fall_risk_min_days(), balance.min_days(), 7);
  check.Range("balance.min_minutes", balance.min_minutes(), 1, 60);
  check.Range("balance.minutes_per_day", balance.minutes_per_day(), balance.min_minutes(), 120);
  check.Rule("balance.progression_rule_id", balance.progression_rule_id());
  check.Range("balance.minutes_per_exercise", balance.minutes_per_exercise(), 1, balance.minutes_per_day());
  check.Range("balance.max_exercises_per_day", balance.max_exercises_per_day(), 1, 10);
  check.Range("balance.max_minutes_per_day", balance.max_minutes_per_day(), balance.minutes_per_day(), 120);
  check.Range("balance.weekly_minutes", balance.weekly_minutes(), balance.min_days() * balance.min_minutes(),
              7 * balance.max_minutes_per_day());
  // The ladder starts on a standing level: moving work comes after them.
  for (const auto& [field, level] : {std::pair{"balance.fall_risk_start_level", balance.fall_risk_start_level()},
                                     std::pair{"balance.start_level", balance.start_level()}}) {
    if (level < catalog_v1::BALANCE_LEVEL_FEET_TOGETHER || level > catalog_v1::BALANCE_LEVEL_SINGLE_LEG) {
      check.Add(field, "must be a standing level, feet together to single leg");
    }
  }
  if (balance.fall_risk_start_level() > balance.start_level()) {
    check.Add("balance.fall_risk_start_level", "must not be above start_level");
  }
  if (balance.hand_support_cue().empty()) check.Add("balance.hand_support_cue", "required");
  if (balance.no_support_cue().empty()) check.Add("balance.no_support_cue", "required");

  check.Text("posture", document.posture().text(), "DOSE-POSTURE");
  check.Range("posture.minutes_per_day", document.posture().minutes_per_day(), 1, 60);

  const v1::FlexibilityDose& flexibility = document.flexibility();
  check.Text("flexibility", flexibility.text(), "DOSE-FLEX");
  check.Range("flexibility.minutes", flexibility.minutes(), 1, 60);
  for (int i = 0; i < flexibility.never_tags_size(); ++i) {
    const int tag = flexibility.never_tags(i);
    if (tag == common::SAFETY_TAG_UNSPECIFIED || !common::SafetyTag_IsValid(tag)) {
      check.Add(absl::StrCat("flexibility.never_tags[", i, "]"), "unknown or unspecified tag");
    }
  }

  for (int i = 0; i < document.never_planned_tags_size(); ++i) {
    const int tag = document.never_planned_tags(i);
    if (tag == common::SAFETY_TAG_UNSPECIFIED || !common::SafetyTag_IsValid(tag)) {
      check.Add(absl::StrCat("never_planned_tags[", i, "]"), "unknown or unspecified tag");
    }
  }
  for (int i = 0; i < document.restriction_cues_size(); ++i) {
    const v1::RestrictionCue& cue = document.restriction_cues(i);
    const std::string at = absl::StrCat("restriction_cues[", i, "]");
    if (cue.tag() == common::SAFETY_TAG_UNSPECIFIED || !common::SafetyTag_IsValid(cue.tag())) {
      check.Add(at + ".tag", "unknown or unspecified tag");
    }
    if (cue.categories().empty()) check.Add(at + ".categories", "name at least one category");
    for (int c = 0; c < cue.categories_size(); ++c) {
      const int category = cue.categories(c);
      if (category == catalog_v1::CATEGORY_UNSPECIFIED || !catalog_v1::Category_IsValid(category)) {
        check.Add(absl::StrCat(at, ".categories[", c, "]"), "unknown or unspecified category");
      }
    }
    if (cue.cue().empty()) check.Add(at + ".cue", "required");
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const PlanRules>> PlanRules::FromDocument(
    v1::PlanRulesDocument document) {
  DocumentCheck check(document);
  if (document.version().empty()) check.Add("version", "required");
  CheckRules(document, check);
  CheckStrength(document.strength(), check);
  CheckOthers(document, check);
  for (int i = 0; i < document.rules_size(); ++i) {
    // A rule defined and never used is a sign of data that drifted.
    const std::string& id = document.rules(i).rule_id();
    const bool is_target = std::find(std::begin(kRequiredRules), std::end(kRequiredRules), id) !=
                           std::end(kRequiredRules);
    if (!is_target && !check.Used(id)) {
      check.Add(absl::StrCat("rules[", i, "].rule_id"), absl::StrCat(id, " is never used"));
    }
  }
  if (absl::Status status = check.ToStatus(); !status.ok()) return status;

  std::shared_ptr<PlanRules> rules(new PlanRules());
  rules->content_digest_ = ContentDigest(document);
  constexpr size_t kPrefix = sizeof("sha256:") - 1;
  rules->version_ =
      absl::StrCat(document.version(), "+", rules->content_digest_.substr(kPrefix, 12));
  for (const v1::PlanRule& rule : document.rules()) {
    common::RuleCitation& citation = rules->citations_[rule.rule_id()];
    citation.set_rule_id(rule.rule_id());
    *citation.mutable_source_keys() = rule.source_keys();
  }
  rules->document_ = std::move(document);
  return std::shared_ptr<const PlanRules>(std::move(rules));
}

const common::RuleCitation& PlanRules::Citation(absl::string_view rule_id) const {
  // Every id the planner asks for is validated at load; an unknown one is a
  // programming error, answered with an empty citation rather than a crash.
  static const common::RuleCitation* const kNone = new common::RuleCitation();
  auto found = citations_.find(rule_id);
  return found != citations_.end() ? found->second : *kNone;
}

absl::StatusOr<std::shared_ptr<const PlanRules>> LoadPlanRulesFile(const std::string& path) {
  return LoadDataFile<v1::PlanRulesDocument>(path, "plan-rules", [](v1::PlanRulesDocument document) {
    return PlanRules::FromDocument(std::move(document));
  });
}

}  // namespace osteoflow::scheduling

#include "services/progress/domain/progression_rules.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/config/json_file.h"
#include "common/digest/content_digest.h"
#include "common/status/field_violations.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;

// The rules the engine cites by id.
constexpr absl::string_view kCitedRules[] = {"PROG-LOAD", "PROG-ONE",  "PROG-VOLUME",
                                             "PROG-SORE", "PROG-FORM", "PROG-IMPACT"};

void Range(FieldViolations& problems, absl::string_view field, double value, double low, double high) {
  if (!(value >= low && value <= high)) {
    problems.Add(field, absl::StrCat("must be ", low, "..", high, ", not ", value));
  }
}

// The real steps of each loaded gear: kilogram ranges that rise, or band
// levels in order; never both, and each gear once.
void CheckLoadSteps(FieldViolations& problems, const v1::LoadSteps& steps,
                    const absl::flat_hash_set<std::string>& defined) {
  Range(problems, "load_steps.min_percent", steps.min_percent(), 1, 10);
  Range(problems, "load_steps.max_percent", steps.max_percent(), std::max(steps.min_percent(), 1), 20);
  if (steps.equipment().empty()) problems.Add("load_steps.equipment", "list the gear that carries a load");
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < steps.equipment_size(); ++i) {
    const v1::EquipmentSteps& gear = steps.equipment(i);
    const std::string at = absl::StrCat("load_steps.equipment[", i, "]");
    if (gear.equipment() == common::v1::EQUIPMENT_UNSPECIFIED || !common::v1::Equipment_IsValid(gear.equipment()) ||
        !seen.insert(gear.equipment()).second) {
      problems.Add(at + ".equipment", "unknown, unspecified or repeated");
    }
    if (gear.display_name().empty()) problems.Add(at + ".display_name", "required");
    if (gear.basis().empty()) problems.Add(at + ".basis", "say what such gear commonly offers");
    if (gear.kilogram_steps().empty() == gear.band_levels().empty()) {
      problems.Add(at, "give kilogram_steps or band_levels, one of the two");
    }
    double previous_end = 0;
    for (int k = 0; k < gear.kilogram_steps_size(); ++k) {
      const v1::KilogramStep& step = gear.kilogram_steps(k);
      const std::string step_at = absl::StrCat(at, ".kilogram_steps[", k, "]");
      Range(problems, step_at + ".step_kg", step.step_kg(), 0.1, 20);
      const bool last = k + 1 == gear.kilogram_steps_size();
      if (last != (step.below_kg() == 0)) {
        problems.Add(step_at + ".below_kg", "every range but the last ends (the last has no end: 0)");
      } else if (!last) {
        Range(problems, step_at + ".below_kg", step.below_kg(), previous_end + step.step_kg(), 500);
        previous_end = step.below_kg();
      }
    }
    absl::flat_hash_set<int> levels;
    for (int b = 0; b < gear.band_levels_size(); ++b) {
      const int level = gear.band_levels(b);
      if (level == common::v1::BAND_LEVEL_UNSPECIFIED || !common::v1::BandLevel_IsValid(level) ||
          !levels.insert(level).second || (b > 0 && level <= gear.band_levels(b - 1))) {
        problems.Add(absl::StrCat(at, ".band_levels[", b, "]"), "unknown, unspecified, repeated or out of order");
      }
    }
    if (!gear.band_levels().empty() && gear.band_levels_size() < 2) {
      problems.Add(at + ".band_levels", "at least two levels, lightest first");
    }
    Range(problems, at + ".rise_after_weeks", gear.rise_after_weeks(), 0, 52);
    Range(problems, at + ".max_percent", gear.max_percent(), 0, 25);
    for (int r = 0; r < gear.rule_ids_size(); ++r) {
      if (!defined.contains(gear.rule_ids(r))) {
        problems.Add(absl::StrCat(at, ".rule_ids[", r, "]"),
                     absl::StrCat("rule ", gear.rule_ids(r), " is not defined under rules"));
      }
    }
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ProgressionRules>> ProgressionRules::FromDocument(
    v1::ProgressionRulesDocument document) {
  FieldViolations problems;
  if (document.version().empty()) problems.Add("version", "required");
  absl::flat_hash_set<std::string> defined;
  for (int i = 0; i < document.rules_size(); ++i) {
    const v1::ProgressionRule& rule = document.rules(i);
    const std::string at = absl::StrCat("rules[", i, "]");
    if (rule.rule_id().empty()) problems.Add(at + ".rule_id", "required");
    if (!defined.insert(rule.rule_id()).second) problems.Add(at + ".rule_id", "defined twice");
    if (rule.summary().empty()) problems.Add(at + ".summary", "required");
    if (rule.source_keys().empty()) problems.Add(at + ".source_keys", "name at least one source");
  }
  for (absl::string_view id : kCitedRules) {
    if (!defined.contains(id)) problems.Add("rules", absl::StrCat("missing ", id));
  }
  const v1::StrengthProgression& strength = document.strength();
  Range(problems, "strength.reps_bottom", strength.reps_bottom(), 1, 100);
  Range(problems, "strength.reps_top", strength.reps_top(), strength.reps_bottom(), 100);
  Range(problems, "strength.load_step_percent", strength.load_step_percent(), 1, 20);
  Range(problems, "strength.load_rounding_kg", strength.load_rounding_kg(), 0.1, 5);
  Range(problems, "strength.max_sets", strength.max_sets(), 1, 10);
  Range(problems, "strength.max_volume_increase_percent", strength.max_volume_increase_percent(), 1, 50);
  Range(problems, "minutes.step_percent", document.minutes().step_percent(), 1, 50);
  Range(problems, "minutes.min_step_minutes", document.minutes().min_step_minutes(), 1, 10);
  Range(problems, "minutes.target_minutes", document.minutes().target_minutes(), 1, 240);
  Range(problems, "impacts.step_percent", document.impacts().step_percent(), 1, 50);
  Range(problems, "impacts.min_step_impacts", document.impacts().min_step_impacts(), 1, 20);
  Range(problems, "impacts.target_impacts", document.impacts().target_impacts(), 1, 500);
  const v1::ComfortLimits& comfort = document.comfort();
  Range(problems, "comfort.hold_pain", comfort.hold_pain(), 1, 10);
  Range(problems, "comfort.reduce_pain", comfort.reduce_pain(), comfort.hold_pain(), 10);
  Range(problems, "comfort.reduce_percent", comfort.reduce_percent(), 1, 50);
  Range(problems, "comfort.soreness_hours", comfort.soreness_hours(), 1, 336);
  const v1::RecordLimits& limits = document.record_limits();
  // Wide bounds: a deployment (or a benchmark of the write path) may raise
  // them; a week's report reads at most session_logs_per_week logs.
  Range(problems, "record_limits.session_logs_per_day", limits.session_logs_per_day(), 1, 1000000);
  Range(problems, "record_limits.session_logs_per_week", limits.session_logs_per_week(),
        limits.session_logs_per_day(), 7000000);
  Range(problems, "record_limits.measurements_per_week", limits.measurements_per_week(), 1, 1000000);
  CheckLoadSteps(problems, document.load_steps(), defined);
  auto cited = [&](absl::string_view field, const std::string& id) {
    if (!defined.contains(id)) problems.Add(field, absl::StrCat("rule ", id, " is not defined under rules"));
  };
  absl::flat_hash_set<int> symptoms;
  for (int i = 0; i < document.session_red_flags_size(); ++i) {
    const v1::SessionRedFlag& flag = document.session_red_flags(i);
    const std::string at = absl::StrCat("session_red_flags[", i, "]");
    if (flag.symptom() == v1::SESSION_SYMPTOM_UNSPECIFIED || !v1::SessionSymptom_IsValid(flag.symptom()) ||
        !symptoms.insert(flag.symptom()).second) {
      problems.Add(at + ".symptom", "unknown, unspecified or repeated");
    }
    cited(at + ".rule_id", flag.rule_id());
    if (flag.finding().empty()) problems.Add(at + ".finding", "required");
    if (flag.refer_to() == screening::v1::REFERRAL_TARGET_UNSPECIFIED) problems.Add(at + ".refer_to", "required");
  }
  // Every symptom a log can report must mean something.
  for (int symptom = 1; symptom < v1::SessionSymptom_ARRAYSIZE; ++symptom) {
    if (v1::SessionSymptom_IsValid(symptom) && !symptoms.contains(symptom)) {
      problems.Add("session_red_flags", absl::StrCat("missing ", v1::SessionSymptom_Name(symptom)));
    }
  }
  cited("stop_rule_id", document.stop_rule_id());
  cited("fall_rule_id", document.fall_rule_id());
  cited("height_rule_id", document.height_rule_id());
  cited("rescreen_dxa_rule_id", document.rescreen_dxa_rule_id());
  Range(problems, "height_loss_cm", document.height_loss_cm(), 0.5, 20);
  if (document.fall_refer_to() == screening::v1::REFERRAL_TARGET_UNSPECIFIED) problems.Add("fall_refer_to", "required");
  if (document.height_refer_to() == screening::v1::REFERRAL_TARGET_UNSPECIFIED) {
    problems.Add("height_refer_to", "required");
  }
  if (absl::Status status = problems.ToStatus(); !status.ok()) return status;

  std::shared_ptr<ProgressionRules> rules(new ProgressionRules());
  rules->content_digest_ = ContentDigest(document);
  constexpr size_t kPrefix = sizeof("sha256:") - 1;
  rules->version_ = absl::StrCat(document.version(), "+", rules->content_digest_.substr(kPrefix, 12));
  for (const v1::ProgressionRule& rule : document.rules()) {
    common::v1::RuleCitation& citation = rules->citations_[rule.rule_id()];
    citation.set_rule_id(rule.rule_id());
    *citation.mutable_source_keys() = rule.source_keys();
  }
  rules->document_ = std::move(document);
  return std::shared_ptr<const ProgressionRules>(std::move(rules));
}

const common::v1::RuleCitation& ProgressionRules::Citation(absl::string_view rule_id) const {
  static const common::v1::RuleCitation* const kNone = new common::v1::RuleCitation();
  auto found = citations_.find(rule_id);
  return found != citations_.end() ? found->second : *kNone;
}

absl::StatusOr<std::shared_ptr<const ProgressionRules>> LoadProgressionRulesFile(const std::string& path) {
  return LoadDataFile<v1::ProgressionRulesDocument>(path, "progression-rules", [](v1::ProgressionRulesDocument document) {
    return ProgressionRules::FromDocument(std::move(document));
  });
}

}  // namespace osteoflow::progress

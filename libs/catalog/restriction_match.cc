#include "libs/catalog/restriction_match.h"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"

namespace osteoflow::catalog {
namespace {

namespace v1 = osteoflow::catalog::v1;
namespace common = osteoflow::common::v1;

// "IMPACT_LEVEL_MODERATE" -> "moderate".
std::string Describe(absl::string_view enum_name, absl::string_view prefix) {
  std::string text = absl::AsciiStrToLower(enum_name.substr(prefix.size()));
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

bool IsAerobic(const v1::Exercise& exercise) {
  return exercise.category() == v1::CATEGORY_WEIGHT_BEARING_AEROBIC ||
         exercise.category() == v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC ||
         exercise.category() == v1::CATEGORY_IMPACT_DRILL;
}

bool ExceedsIntensityCap(const v1::Exercise& exercise, const common::Restrictions& restrictions) {
  const common::Intensity cap = restrictions.aerobic_intensity_cap().max_intensity();
  return cap != common::INTENSITY_UNSPECIFIED && IsAerobic(exercise) && exercise.intensity() > cap;
}

bool ExceedsLoadCap(const v1::Exercise& exercise, const common::Restrictions& restrictions) {
  const int cap = restrictions.load_cap().max_percent_one_rep_max();
  return cap > 0 && exercise.load_percent_one_rep_max() > cap;
}

const common::TagExclusion* ExclusionHit(const v1::Exercise& exercise,
                                         const common::Restrictions& restrictions,
                                         int tag) {
  if (std::find(exercise.safety_tags().begin(), exercise.safety_tags().end(), tag) ==
      exercise.safety_tags().end()) {
    return nullptr;
  }
  for (const common::TagExclusion& exclusion : restrictions.excluded_tags()) {
    if (exclusion.tag() == tag) return &exclusion;
  }
  return nullptr;
}

void AddFindings(const google::protobuf::RepeatedPtrField<common::RuleCitation>& rules,
                 const std::string& explanation, RestrictionCheck& check) {
  for (const common::RuleCitation& rule : rules) {
    v1::Finding& finding = check.findings.emplace_back();
    *finding.mutable_rule() = rule;
    finding.set_explanation(explanation);
  }
}

void RequireRules(const google::protobuf::RepeatedPtrField<common::RuleCitation>& rules,
                  const std::string& field, FieldViolations& problems) {
  if (rules.empty()) problems.Add(field, "name the rule that set this restriction");
  for (int i = 0; i < rules.size(); ++i) {
    if (rules[i].rule_id().empty()) problems.Add(absl::StrCat(field, "[", i, "].rule_id"), "required");
  }
}

}  // namespace

absl::Status ValidateRestrictions(const common::Restrictions& restrictions, absl::string_view field) {
  FieldViolations problems;
  const std::string at(field);
  const common::ImpactLevel ceiling = restrictions.impact_ceiling().level();
  if (ceiling == common::IMPACT_LEVEL_UNSPECIFIED || !common::ImpactLevel_IsValid(ceiling)) {
    problems.Add(at + ".impact_ceiling.level", "required: one of NONE, LOW, MODERATE, HIGH");
  } else {
    RequireRules(restrictions.impact_ceiling().rules(), at + ".impact_ceiling.rules", problems);
  }
  // There are fewer tags than this; a longer list is malformed.
  constexpr int kMaxExclusions = 32;
  if (restrictions.excluded_tags_size() > kMaxExclusions) {
    problems.Add(at + ".excluded_tags", absl::StrCat("at most ", kMaxExclusions, " entries"));
    return problems.ToStatus();
  }
  for (int i = 0; i < restrictions.excluded_tags_size(); ++i) {
    const int tag = restrictions.excluded_tags(i).tag();
    if (tag == common::SAFETY_TAG_UNSPECIFIED || !common::SafetyTag_IsValid(tag)) {
      problems.Add(absl::StrCat(at, ".excluded_tags[", i, "].tag"), "unknown or unspecified tag");
    }
  }
  const int intensity = restrictions.aerobic_intensity_cap().max_intensity();
  if (!common::Intensity_IsValid(intensity)) {
    problems.Add(at + ".aerobic_intensity_cap.max_intensity", "unknown value");
  } else if (intensity != common::INTENSITY_UNSPECIFIED) {
    RequireRules(restrictions.aerobic_intensity_cap().rules(), at + ".aerobic_intensity_cap.rules",
                 problems);
  }
  const int load = restrictions.load_cap().max_percent_one_rep_max();
  if (load < 0 || load > 100) {
    problems.Add(at + ".load_cap.max_percent_one_rep_max", "must be 0..100 (0 = no cap)");
  } else if (load > 0) {
    RequireRules(restrictions.load_cap().rules(), at + ".load_cap.rules", problems);
  }
  return problems.ToStatus();
}

bool IsAllowed(const v1::Exercise& exercise, const common::Restrictions& restrictions) {
  if (exercise.impact_level() > restrictions.impact_ceiling().level()) return false;
  for (const int tag : exercise.safety_tags()) {
    if (ExclusionHit(exercise, restrictions, tag) != nullptr) return false;
  }
  return true;
}

v1::Verdict VerdictOf(const v1::Exercise& exercise, const common::Restrictions& restrictions) {
  if (!IsAllowed(exercise, restrictions)) return v1::VERDICT_NOT_RECOMMENDED;
  if (ExceedsIntensityCap(exercise, restrictions) || ExceedsLoadCap(exercise, restrictions)) {
    return v1::VERDICT_ALLOWED_WITH_MODIFICATION;
  }
  return v1::VERDICT_ALLOWED;
}

RestrictionCheck CheckExercise(const v1::Exercise& exercise,
                               const common::Restrictions& restrictions,
                               const ExerciseCatalog& catalog) {
  RestrictionCheck check;
  for (const int tag : exercise.safety_tags()) {
    const common::TagExclusion* exclusion = ExclusionHit(exercise, restrictions, tag);
    if (exclusion == nullptr) continue;
    check.verdict = v1::VERDICT_NOT_RECOMMENDED;
    const v1::SafetyTagDefinition* definition =
        catalog.TagDefinition(static_cast<common::SafetyTag>(tag));
    const std::string reason = definition != nullptr ? definition->reason() : "excluded movement";
    if (!exclusion->rules().empty()) {
      AddFindings(exclusion->rules(), reason, check);
    } else if (definition != nullptr) {
      // A caller that excluded the tag without citing a rule gets the rule
      // that defines the tag.
      v1::Finding& finding = check.findings.emplace_back();
      finding.mutable_rule()->set_rule_id(definition->rule_id());
      *finding.mutable_rule()->mutable_source_keys() = definition->source_keys();
      finding.set_explanation(reason);
    }
  }
  const common::ImpactLevel ceiling = restrictions.impact_ceiling().level();
  if (exercise.impact_level() > ceiling) {
    check.verdict = v1::VERDICT_NOT_RECOMMENDED;
    AddFindings(restrictions.impact_ceiling().rules(),
                absl::StrCat(Describe(common::ImpactLevel_Name(exercise.impact_level()), "IMPACT_LEVEL_"),
                             " impact is above the allowed ",
                             Describe(common::ImpactLevel_Name(ceiling), "IMPACT_LEVEL_"), " impact"),
                check);
  }
  if (ExceedsIntensityCap(exercise, restrictions)) {
    const std::string cap = Describe(
        common::Intensity_Name(restrictions.aerobic_intensity_cap().max_intensity()), "INTENSITY_");
    AddFindings(restrictions.aerobic_intensity_cap().rules(),
                absl::StrCat("usually done at ", Describe(common::Intensity_Name(exercise.intensity()), "INTENSITY_"),
                             " intensity; the cap is ", cap),
                check);
    check.modifications.push_back(absl::StrCat("Keep the effort ", cap,
                                               ": you can talk in full sentences throughout."));
  }
  if (ExceedsLoadCap(exercise, restrictions)) {
    const int cap = restrictions.load_cap().max_percent_one_rep_max();
    AddFindings(restrictions.load_cap().rules(),
                absl::StrCat("typically lifted at ", exercise.load_percent_one_rep_max(),
                             "% of one-repetition maximum; the cap is ", cap, "%"),
                check);
    check.modifications.push_back(
        absl::StrCat("Use a load below ", cap, "% of your one-repetition maximum."));
  }
  if (check.verdict == v1::VERDICT_NOT_RECOMMENDED) {
    check.modifications.clear();
  } else if (!check.modifications.empty()) {
    check.verdict = v1::VERDICT_ALLOWED_WITH_MODIFICATION;
  }
  return check;
}

v1::EvaluateActivityResponse EvaluateActivity(const v1::Exercise& exercise,
                                              const common::Restrictions& restrictions,
                                              const ExerciseCatalog& catalog) {
  RestrictionCheck check = CheckExercise(exercise, restrictions, catalog);
  v1::EvaluateActivityResponse response;
  response.set_verdict(check.verdict);
  response.set_exercise(exercise.name());
  for (v1::Finding& finding : check.findings) *response.add_findings() = std::move(finding);
  for (std::string& modification : check.modifications) {
    response.add_modifications(std::move(modification));
  }
  response.set_counts_as_weight_bearing(exercise.weight_bearing());
  if (!exercise.weight_bearing() && exercise.category() == v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC) {
    if (const v1::RuleDefinition* nwb = catalog.Rule("NWB")) {
      v1::Finding* finding = response.add_findings();
      finding->mutable_rule()->set_rule_id(nwb->rule_id());
      *finding->mutable_rule()->mutable_source_keys() = nwb->source_keys();
      finding->set_explanation(nwb->summary());
    }
  }
  if (check.verdict != v1::VERDICT_NOT_RECOMMENDED) {
    *response.mutable_dose() = exercise.default_dose();
    return response;
  }

  // Breadth first over safer alternatives and easier variants.
  std::deque<const v1::Exercise*> queue;
  // Views of ids the catalog holds. (A braced list would copy the id into a
  // temporary string, leaving the set a view of a dead string.)
  absl::flat_hash_set<absl::string_view> seen;
  seen.insert(exercise.id());
  auto enqueue_neighbours = [&](const v1::Exercise& from) {
    std::vector<absl::string_view> next;
    if (!from.safer_alternative_id().empty()) next.push_back(from.safer_alternative_id());
    for (const std::string& id : from.easier_variant_ids()) next.push_back(id);
    for (const absl::string_view id : next) {
      const v1::Exercise* candidate = catalog.Find(id);
      if (candidate != nullptr && seen.insert(candidate->id()).second) queue.push_back(candidate);
    }
  };
  enqueue_neighbours(exercise);
  while (!queue.empty()) {
    const v1::Exercise* candidate = queue.front();
    queue.pop_front();
    if (IsAllowed(*candidate, restrictions)) {
      *response.mutable_safer_alternative() = *candidate;
      break;
    }
    enqueue_neighbours(*candidate);
  }
  return response;
}

}  // namespace osteoflow::catalog

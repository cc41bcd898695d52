#include "libs/catalog/restriction_match.h"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/clinical/never_lifted.h"
#include "common/status/field_violations.h"
#include "common/text/resource_names.h"

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

const common::ActivityContinuation* ContinuationOf(const v1::Exercise& exercise,
                                                   const common::Restrictions& restrictions) {
  for (const common::ActivityContinuation& continuation : restrictions.continuations()) {
    if (continuation.exercise() == exercise.name()) return &continuation;
  }
  return nullptr;
}

// How the restrictions treat an exercise: nothing holds it back; only what its
// continuation lifts does; or something else does.
enum class Hold { kFree, kLifted, kHeld };

// Looks for the continuation only once the exercise is held back, so that the
// common case (no continuation, or an exercise allowed as it is) costs what
// it did before continuations. With `use_continuations` false, the answer for
// a new starter. `applied` receives the continuation when it is kLifted.
Hold HoldOf(const v1::Exercise& exercise, const common::Restrictions& restrictions,
            bool use_continuations, const common::ActivityContinuation** applied) {
  const common::ActivityContinuation* continuation = nullptr;
  bool looked = false;
  bool held_back = false;
  auto lifted_by_continuation = [&](auto lifts) {
    held_back = true;
    if (!use_continuations) return false;
    if (!looked) {
      continuation = ContinuationOf(exercise, restrictions);
      looked = true;
    }
    return continuation != nullptr && lifts(*continuation);
  };
  if (exercise.impact_level() > restrictions.impact_ceiling().level() &&
      !lifted_by_continuation([&](const common::ActivityContinuation& c) {
        return exercise.impact_level() <= c.max_impact();
      })) {
    return Hold::kHeld;
  }
  for (const int tag : exercise.safety_tags()) {
    if (ExclusionHit(exercise, restrictions, tag) == nullptr) continue;
    if (!lifted_by_continuation(
            [tag](const common::ActivityContinuation& c) { return Lifts(c, tag); })) {
      return Hold::kHeld;
    }
  }
  if (!held_back) return Hold::kFree;
  if (applied != nullptr) *applied = continuation;
  return Hold::kLifted;
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

// Far above what the rule set produces (it continues a handful of catalog
// activities); a longer list or text is malformed.
constexpr int kMaxContinuations = 20;
constexpr int kMaxLiftedTags = 8;
constexpr int kMaxSourceKeys = 16;
constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxModificationLength = 500;

bool Excludes(const common::Restrictions& restrictions, common::SafetyTag tag) {
  for (const common::TagExclusion& exclusion : restrictions.excluded_tags()) {
    if (exclusion.tag() == tag) return true;
  }
  return false;
}

void CheckContinuation(const common::ActivityContinuation& continuation, const std::string& at,
                       FieldViolations& problems) {
  if (!SplitResourceName(continuation.exercise(), "exercises/{id}", at).ok()) {
    problems.Add(at + ".exercise", "want \"exercises/{id}\"");
  }
  const common::RuleCitation& rule = continuation.rule();
  if (rule.rule_id().empty()) {
    problems.Add(at + ".rule.rule_id", "required: the rule that allowed the continuation");
  } else if (rule.rule_id().size() > kMaxIdLength) {
    problems.Add(at + ".rule.rule_id", absl::StrCat("at most ", kMaxIdLength, " characters"));
  }
  if (rule.source_keys_size() > kMaxSourceKeys) {
    problems.Add(at + ".rule.source_keys", absl::StrCat("at most ", kMaxSourceKeys, " entries"));
  } else {
    for (int i = 0; i < rule.source_keys_size(); ++i) {
      if (rule.source_keys(i).empty() || rule.source_keys(i).size() > kMaxIdLength) {
        problems.Add(absl::StrCat(at, ".rule.source_keys[", i, "]"),
                     absl::StrCat("1..", kMaxIdLength, " characters"));
      }
    }
  }
  if (continuation.modification().empty()) {
    problems.Add(at + ".modification", "required: how to keep doing it safely");
  } else if (continuation.modification().size() > kMaxModificationLength) {
    problems.Add(at + ".modification", absl::StrCat("at most ", kMaxModificationLength, " characters"));
  }
  const int impact = continuation.max_impact();
  if (impact == common::IMPACT_LEVEL_UNSPECIFIED || !common::ImpactLevel_IsValid(impact)) {
    problems.Add(at + ".max_impact", "required: one of NONE, LOW, MODERATE, HIGH");
  }
  if (continuation.lifted_tags_size() > kMaxLiftedTags) {
    problems.Add(at + ".lifted_tags", absl::StrCat("at most ", kMaxLiftedTags, " entries"));
    return;
  }
  for (int i = 0; i < continuation.lifted_tags_size(); ++i) {
    const int tag = continuation.lifted_tags(i);
    const std::string field = absl::StrCat(at, ".lifted_tags[", i, "]");
    if (tag == common::SAFETY_TAG_UNSPECIFIED || !common::SafetyTag_IsValid(tag)) {
      problems.Add(field, "unknown or unspecified tag");
    } else if (IsNeverLifted(tag)) {
      problems.Add(field, absl::StrCat(common::SafetyTag_Name(static_cast<common::SafetyTag>(tag)),
                                       " is never lifted for an activity already done"));
    }
  }
}

void CheckContinuations(const common::Restrictions& restrictions, const std::string& at,
                        FieldViolations& problems) {
  if (restrictions.continuations().empty()) return;
  const std::string field = at + ".continuations";
  if (restrictions.continuations_size() > kMaxContinuations) {
    problems.Add(field, absl::StrCat("at most ", kMaxContinuations, " entries"));
    return;
  }
  // IMP-CONTINUE never applies with a vertebral fracture, several fragility
  // fractures, frailty (IMP-VF's low ceiling) or a fall-risk flag (IMP-FALLS'
  // no impact and balance-challenging cardio excluded): restrictions that say
  // otherwise contradict themselves.
  const common::ImpactLevel ceiling = restrictions.impact_ceiling().level();
  if (common::ImpactLevel_IsValid(ceiling) && ceiling != common::IMPACT_LEVEL_UNSPECIFIED &&
      ceiling < common::IMPACT_LEVEL_MODERATE) {
    problems.Add(field, "IMP-CONTINUE does not apply under an impact ceiling below moderate "
                        "(a vertebral fracture, several fragility fractures, frailty or a fall-risk flag)");
  }
  if (Excludes(restrictions, common::SAFETY_TAG_BALANCE_CHALLENGE)) {
    problems.Add(field, "IMP-CONTINUE does not apply with a fall-risk flag "
                        "(balance-challenging cardio is excluded)");
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < restrictions.continuations_size(); ++i) {
    const common::ActivityContinuation& continuation = restrictions.continuations(i);
    const std::string item = absl::StrCat(field, "[", i, "]");
    CheckContinuation(continuation, item, problems);
    if (!continuation.exercise().empty() && !seen.insert(continuation.exercise()).second) {
      problems.Add(item + ".exercise", "continued twice");
    }
  }
}

}  // namespace

bool Lifts(const common::ActivityContinuation& continuation, int tag) {
  // Checked again here, not only at validation: no path may lift these.
  if (IsNeverLifted(tag)) return false;
  return std::find(continuation.lifted_tags().begin(), continuation.lifted_tags().end(), tag) !=
         continuation.lifted_tags().end();
}

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
  CheckContinuations(restrictions, at, problems);
  return problems.ToStatus();
}

bool IsAllowed(const v1::Exercise& exercise, const common::Restrictions& restrictions) {
  return HoldOf(exercise, restrictions, true, nullptr) != Hold::kHeld;
}

const common::ActivityContinuation* ContinuationApplied(const v1::Exercise& exercise,
                                                        const common::Restrictions& restrictions) {
  const common::ActivityContinuation* applied = nullptr;
  return HoldOf(exercise, restrictions, true, &applied) == Hold::kLifted ? applied : nullptr;
}

bool ExceedsCaps(const v1::Exercise& exercise, const common::Restrictions& restrictions) {
  return ExceedsIntensityCap(exercise, restrictions) || ExceedsLoadCap(exercise, restrictions);
}

v1::Verdict VerdictOf(const v1::Exercise& exercise, const common::Restrictions& restrictions) {
  switch (HoldOf(exercise, restrictions, true, nullptr)) {
    case Hold::kHeld:
      return v1::VERDICT_NOT_RECOMMENDED;
    case Hold::kLifted:
      return v1::VERDICT_ALLOWED_WITH_MODIFICATION;
    case Hold::kFree:
      break;
  }
  return ExceedsCaps(exercise, restrictions) ? v1::VERDICT_ALLOWED_WITH_MODIFICATION
                                             : v1::VERDICT_ALLOWED;
}

RestrictionCheck CheckExercise(const v1::Exercise& exercise,
                               const common::Restrictions& restrictions,
                               const ExerciseCatalog& catalog) {
  RestrictionCheck check;
  const common::ActivityContinuation* continued = ContinuationApplied(exercise, restrictions);
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
  if (continued != nullptr) {
    // The limits above still stand as findings: they are why a new starter
    // would not be given it.
    check.verdict = v1::VERDICT_ALLOWED;
    v1::Finding& finding = check.findings.emplace_back();
    *finding.mutable_rule() = continued->rule();
    finding.set_explanation(
        "already done regularly without pain or falls: it may be continued as the modification "
        "says, though it is not started as something new");
    check.modifications.push_back(continued->modification());
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
    // What a new starter may do: a continuation is the person's own
    // activity, never an alternative offered in place of another.
    if (HoldOf(*candidate, restrictions, false, nullptr) == Hold::kFree) {
      *response.mutable_safer_alternative() = *candidate;
      break;
    }
    enqueue_neighbours(*candidate);
  }
  return response;
}

}  // namespace osteoflow::catalog

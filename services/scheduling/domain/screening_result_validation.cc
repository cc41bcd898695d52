#include "services/scheduling/domain/screening_result_validation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"
#include "libs/catalog/restriction_match.h"

namespace osteoflow::scheduling {
namespace {

namespace common = osteoflow::common::v1;
namespace screening_v1 = osteoflow::screening::v1;

// Far above what the rule set produces; a longer list or text is malformed,
// and bounding them keeps the planner's work per item small.
constexpr int kMaxCitations = 16;
constexpr int kMaxSourceKeys = 16;
constexpr int kMaxItems = 32;
constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxTextLength = 500;

void CheckText(const std::string& text, size_t limit, const std::string& field, FieldViolations& problems) {
  if (text.size() > limit) problems.Add(field, absl::StrCat("at most ", limit, " characters"));
}

void CheckCitation(const common::RuleCitation& citation, const std::string& field,
                   FieldViolations& problems) {
  if (citation.rule_id().empty()) problems.Add(field + ".rule_id", "required");
  CheckText(citation.rule_id(), kMaxIdLength, field + ".rule_id", problems);
  if (citation.source_keys_size() > kMaxSourceKeys) {
    problems.Add(field + ".source_keys", absl::StrCat("at most ", kMaxSourceKeys, " entries"));
    return;
  }
  for (int i = 0; i < citation.source_keys_size(); ++i) {
    CheckText(citation.source_keys(i), kMaxIdLength, absl::StrCat(field, ".source_keys[", i, "]"), problems);
  }
}

void CheckCitations(const google::protobuf::RepeatedPtrField<common::RuleCitation>& citations,
                    const std::string& field, FieldViolations& problems) {
  if (citations.size() > kMaxCitations) {
    problems.Add(field, absl::StrCat("at most ", kMaxCitations, " entries"));
    return;
  }
  for (int i = 0; i < citations.size(); ++i) {
    CheckCitation(citations[i], absl::StrCat(field, "[", i, "]"), problems);
  }
}

template <typename Item, typename Check>
void CheckItems(const google::protobuf::RepeatedPtrField<Item>& items, const std::string& field,
                FieldViolations& problems, Check check) {
  if (items.size() > kMaxItems) {
    problems.Add(field, absl::StrCat("at most ", kMaxItems, " entries"));
    return;
  }
  for (int i = 0; i < items.size(); ++i) check(items[i], absl::StrCat(field, "[", i, "]"));
}

void CheckSizes(const screening_v1::ScreeningResult& result, const std::string& at,
                FieldViolations& problems) {
  CheckText(result.rule_set_version(), kMaxIdLength, at + ".rule_set_version", problems);
  CheckCitations(result.outcome_rules(), at + ".outcome_rules", problems);
  CheckCitations(result.bone_status().rules(), at + ".bone_status.rules", problems);
  CheckItems(result.red_flags(), at + ".red_flags", problems,
             [&](const screening_v1::RedFlag& flag, const std::string& field) {
               CheckCitation(flag.rule(), field + ".rule", problems);
               CheckText(flag.finding(), kMaxTextLength, field + ".finding", problems);
             });
  CheckItems(result.clearance().reasons(), at + ".clearance.reasons", problems,
             [&](const screening_v1::ClearanceReason& reason, const std::string& field) {
               CheckCitation(reason.rule(), field + ".rule", problems);
               CheckText(reason.reason(), kMaxTextLength, field + ".reason", problems);
             });
  auto reason = [&](const screening_v1::Reason& item, const std::string& field) {
    CheckCitation(item.rule(), field + ".rule", problems);
    CheckText(item.reason(), kMaxTextLength, field + ".reason", problems);
  };
  CheckItems(result.supervision().reasons(), at + ".supervision.reasons", problems, reason);
  CheckItems(result.fall_risk().reasons(), at + ".fall_risk.reasons", problems, reason);
  const common::Restrictions& restrictions = result.restrictions();
  const std::string limits = at + ".restrictions";
  CheckCitations(restrictions.impact_ceiling().rules(), limits + ".impact_ceiling.rules", problems);
  CheckCitations(restrictions.aerobic_intensity_cap().rules(), limits + ".aerobic_intensity_cap.rules",
                 problems);
  CheckCitations(restrictions.load_cap().rules(), limits + ".load_cap.rules", problems);
  CheckItems(restrictions.excluded_tags(), limits + ".excluded_tags", problems,
             [&](const common::TagExclusion& exclusion, const std::string& field) {
               // Every exclusion travels into plans as a cue citing its rule.
               if (exclusion.rules().empty()) problems.Add(field + ".rules", "name the rule that excluded the tag");
               CheckCitations(exclusion.rules(), field + ".rules", problems);
             });
}

// Values of an enum this build knows; `specified` also refuses its zero.
template <typename IsValid>
void CheckEnum(int value, IsValid is_valid, bool specified, const std::string& field, FieldViolations& problems) {
  if (!is_valid(value) || (specified && value == 0)) {
    problems.Add(field, absl::StrCat(specified ? "unknown or unspecified: " : "unknown: ", value));
  }
}

// The scores a screening reports lie where an intake's may (finite, within
// 8 standard deviations).
void CheckScore(bool present, double score, const std::string& field, FieldViolations& problems) {
  if (present && (!std::isfinite(score) || score < -8 || score > 8)) {
    problems.Add(field, "must be a finite score in -8..8");
  }
}

// Every enum a result carries is one the contract declares, and its scores
// are numbers: an unknown value would reach the plan's banners as it came.
void CheckValues(const screening_v1::ScreeningResult& result, const std::string& at, FieldViolations& problems) {
  const screening_v1::BoneStatus& bone = result.bone_status();
  CheckEnum(bone.category(), screening_v1::BoneCategory_IsValid, false, at + ".bone_status.category", problems);
  CheckEnum(bone.treated_as(), screening_v1::BoneCategory_IsValid, false, at + ".bone_status.treated_as",
            problems);
  CheckEnum(bone.lowest_t_score_site(), screening_v1::SkeletalSite_IsValid, false,
            at + ".bone_status.lowest_t_score_site", problems);
  CheckEnum(bone.lowest_z_score_site(), screening_v1::SkeletalSite_IsValid, false,
            at + ".bone_status.lowest_z_score_site", problems);
  CheckScore(bone.has_lowest_t_score(), bone.lowest_t_score(), at + ".bone_status.lowest_t_score", problems);
  CheckScore(bone.has_lowest_z_score(), bone.lowest_z_score(), at + ".bone_status.lowest_z_score", problems);
  for (int i = 0; i < result.red_flags_size() && i < kMaxItems; ++i) {
    CheckEnum(result.red_flags(i).refer_to(), screening_v1::ReferralTarget_IsValid, true,
              absl::StrCat(at, ".red_flags[", i, "].refer_to"), problems);
  }
  // An absent clearance (its level unspecified, no reasons) is one not needed.
  CheckEnum(result.clearance().level(), screening_v1::ClearanceLevel_IsValid, false, at + ".clearance.level",
            problems);
  for (int i = 0; i < result.clearance().reasons_size() && i < kMaxItems; ++i) {
    const screening_v1::ClearanceReason& reason = result.clearance().reasons(i);
    const std::string field = absl::StrCat(at, ".clearance.reasons[", i, "]");
    CheckEnum(reason.scope(), screening_v1::ClearanceScope_IsValid, true, field + ".scope", problems);
    if (reason.level() != screening_v1::CLEARANCE_LEVEL_RECOMMENDED &&
        reason.level() != screening_v1::CLEARANCE_LEVEL_REQUIRED) {
      problems.Add(field + ".level", "a reason asks for clearance: RECOMMENDED or REQUIRED");
    }
  }
}

// The clearance level is the highest its reasons ask for (NOT_NEEDED without
// any), and a clearance required before starting makes the outcome wait for
// it, as screening decides them.
void CheckClearance(const screening_v1::ScreeningResult& result, const std::string& at, FieldViolations& problems) {
  int highest = screening_v1::CLEARANCE_LEVEL_NOT_NEEDED;
  bool required_before_starting = false;
  for (const screening_v1::ClearanceReason& reason : result.clearance().reasons()) {
    highest = std::max<int>(highest, reason.level());
    required_before_starting = required_before_starting ||
                               (reason.level() == screening_v1::CLEARANCE_LEVEL_REQUIRED &&
                                reason.scope() == screening_v1::CLEARANCE_SCOPE_BEFORE_STARTING);
  }
  const int level = result.clearance().level();
  const bool absent = level == screening_v1::CLEARANCE_LEVEL_UNSPECIFIED && result.clearance().reasons().empty();
  if (screening_v1::ClearanceLevel_IsValid(level) && !absent && level != highest) {
    problems.Add(at + ".clearance.level",
                 absl::StrCat("must be the highest level its reasons ask for, ",
                              screening_v1::ClearanceLevel_Name(static_cast<screening_v1::ClearanceLevel>(highest))));
  }
  const int outcome = result.outcome();
  if (outcome == screening_v1::OUTCOME_PROCEED_AFTER_CLEARANCE && !required_before_starting) {
    problems.Add(at + ".outcome", "PROCEED_AFTER_CLEARANCE needs a reason requiring clearance before starting");
  }
  if (required_before_starting && (outcome == screening_v1::OUTCOME_PROCEED ||
                                   outcome == screening_v1::OUTCOME_SUPERVISED_ONLY)) {
    problems.Add(at + ".outcome", "a clearance required before starting makes it PROCEED_AFTER_CLEARANCE");
  }
}

bool Excludes(const common::Restrictions& restrictions, common::SafetyTag tag) {
  for (const common::TagExclusion& exclusion : restrictions.excluded_tags()) {
    if (exclusion.tag() == tag) return true;
  }
  return false;
}

void CheckConsistency(const screening_v1::ScreeningResult& result, const std::string& at,
                      FieldViolations& problems) {
  if (!result.red_flags().empty() && result.outcome() != screening_v1::OUTCOME_REFER) {
    problems.Add(at + ".outcome", "a result with red flags is REFER (red-flag rules)");
  }
  if (result.outcome() == screening_v1::OUTCOME_SUPERVISED_ONLY && !result.supervision().required()) {
    problems.Add(at + ".supervision.required", "SUPERVISED_ONLY requires supervision");
  }
  if (result.outcome() == screening_v1::OUTCOME_REFER || !result.fall_risk().flagged()) return;
  // IMP-FALLS: walking stays, but no impact drills and no balance-challenging
  // cardio while falls are a risk.
  if (result.restrictions().impact_ceiling().level() > common::IMPACT_LEVEL_LOW) {
    problems.Add(at + ".restrictions.impact_ceiling.level",
                 "a fall-risk flag allows low impact (walking) at most (IMP-FALLS)");
  }
  if (!Excludes(result.restrictions(), common::SAFETY_TAG_BALANCE_CHALLENGE)) {
    problems.Add(at + ".restrictions.excluded_tags",
                 "a fall-risk flag excludes SAFETY_TAG_BALANCE_CHALLENGE (IMP-FALLS)");
  }
}

}  // namespace

absl::Status ValidateScreeningResult(const screening_v1::ScreeningResult& result, absl::string_view field) {
  FieldViolations problems;
  const std::string at(field);
  const int outcome = result.outcome();
  if (outcome == screening_v1::OUTCOME_UNSPECIFIED || !screening_v1::Outcome_IsValid(outcome)) {
    problems.Add(at + ".outcome", "required: PROCEED, SUPERVISED_ONLY, PROCEED_AFTER_CLEARANCE or REFER");
  }
  if (result.rule_set_version().empty()) problems.Add(at + ".rule_set_version", "required");
  CheckSizes(result, at, problems);
  CheckValues(result, at, problems);
  CheckClearance(result, at, problems);
  if (outcome != screening_v1::OUTCOME_REFER) {
    // A referred person gets no plan, so their restrictions are never applied.
    if (!result.has_restrictions()) {
      problems.Add(at + ".restrictions", "required");
    } else {
      problems.Include(catalog::ValidateRestrictions(result.restrictions(), at + ".restrictions"));
    }
  }
  CheckConsistency(result, at, problems);
  return problems.ToStatus();
}

}  // namespace osteoflow::scheduling

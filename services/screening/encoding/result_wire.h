#pragma once

#include <optional>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "osteoflow/common/v1/clinical.pb.h"
#include "osteoflow/screening/v1/screening.pb.h"

namespace osteoflow::screening {

// Embedded messages already in wire form, each written as one entry of a
// repeated field: the citations of the rules behind a decision, or the items
// (red flags, reasons, exclusions) the rule set made at load.
using WireParts = absl::InlinedVector<absl::string_view, 8>;

// A result's bone status, its scores from the DXA reading they came from.
struct BoneStatusParts {
  v1::BoneCategory category = v1::BONE_CATEGORY_UNSPECIFIED;
  v1::BoneCategory treated_as = v1::BONE_CATEGORY_UNSPECIFIED;
  std::optional<double> lowest_t_score;
  v1::SkeletalSite lowest_t_score_site = v1::SKELETAL_SITE_UNSPECIFIED;
  std::optional<double> lowest_z_score;
  v1::SkeletalSite lowest_z_score_site = v1::SKELETAL_SITE_UNSPECIFIED;
  bool severe = false;
  WireParts rules;
};

// A limit (impact ceiling, aerobic intensity cap, load cap): its level and the
// rules that set it.
struct LimitParts {
  int level = 0;
  WireParts rules;
};

// A tag the rules excluded. When one rule alone excluded it, the exclusion
// that rule's effect made at load is the whole of it (`made_at_load`);
// otherwise it is written from the tag and every rule that excluded it.
struct TagExclusionParts {
  std::optional<absl::string_view> made_at_load;
  osteoflow::common::v1::SafetyTag tag = osteoflow::common::v1::SAFETY_TAG_UNSPECIFIED;
  WireParts rules;
};

// A screening result, settled: every part in the domain's terms, every item
// already in wire form.
struct ScreeningResultParts {
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  WireParts outcome_rules;
  BoneStatusParts bone_status;
  WireParts red_flags;
  v1::ClearanceLevel clearance_level = v1::CLEARANCE_LEVEL_UNSPECIFIED;
  WireParts clearance_reasons;
  bool supervision_required = false;
  WireParts supervision_reasons;
  bool fall_risk_flagged = false;
  WireParts fall_risk_reasons;
  LimitParts impact_ceiling;
  // By tag number; room for every tag, so that listing them allocates nothing.
  absl::InlinedVector<TagExclusionParts, osteoflow::common::v1::SafetyTag_ARRAYSIZE> excluded_tags;
  std::optional<LimitParts> aerobic_intensity_cap;
  std::optional<LimitParts> load_cap;
  // Each an ActivityContinuation the rule set made at load.
  WireParts continuations;
  absl::string_view rule_set_version;
};

// The osteoflow.screening.v1.ScreeningResult of `parts` in protobuf's wire
// format, field by field in field-number order: the bytes protobuf's own
// serialiser would give. A screening is answered and stored in this form, so
// a result is never built as a message and then serialised.
std::string ScreeningResultWire(const ScreeningResultParts& parts);

}  // namespace osteoflow::screening

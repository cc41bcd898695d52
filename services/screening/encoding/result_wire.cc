#include "services/screening/encoding/result_wire.h"

#include <cstdint>

#include "common/proto/wire_fields.h"

namespace osteoflow::screening {
namespace {

using osteoflow::common::v1::ImpactCeiling;
using osteoflow::common::v1::IntensityCap;
using osteoflow::common::v1::LoadCap;
using osteoflow::common::v1::Restrictions;
using osteoflow::common::v1::TagExclusion;

// The result's own helper on top of the generic field writer.
class Fields : public WireFields {
 public:
  using WireFields::WireFields;
  void Parts(int field, const WireParts& parts) {
    for (absl::string_view part : parts) Bytes(field, part);
  }
};

std::string BoneStatusWire(const BoneStatusParts& bone) {
  using B = v1::BoneStatus;
  std::string out;
  Fields fields(out);
  fields.Varint(B::kCategoryFieldNumber, static_cast<uint64_t>(bone.category));
  fields.Varint(B::kTreatedAsFieldNumber, static_cast<uint64_t>(bone.treated_as));
  if (bone.lowest_t_score) {
    fields.Double(B::kLowestTScoreFieldNumber, *bone.lowest_t_score);
    fields.Varint(B::kLowestTScoreSiteFieldNumber, static_cast<uint64_t>(bone.lowest_t_score_site));
  }
  if (bone.lowest_z_score) {
    fields.Double(B::kLowestZScoreFieldNumber, *bone.lowest_z_score);
    fields.Varint(B::kLowestZScoreSiteFieldNumber, static_cast<uint64_t>(bone.lowest_z_score_site));
  }
  fields.Bool(B::kSevereFieldNumber, bone.severe);
  fields.Parts(B::kRulesFieldNumber, bone.rules);
  return out;
}

// Clearance, Supervision and FallRisk share a shape: a level or flag, then reasons.
std::string ReasonsWire(uint64_t level_or_flag, const WireParts& reasons) {
  static_assert(v1::Clearance::kLevelFieldNumber == 1 && v1::Clearance::kReasonsFieldNumber == 2);
  static_assert(v1::Supervision::kRequiredFieldNumber == 1 &&
                v1::Supervision::kReasonsFieldNumber == 2);
  static_assert(v1::FallRisk::kFlaggedFieldNumber == 1 && v1::FallRisk::kReasonsFieldNumber == 2);
  std::string out;
  Fields fields(out);
  fields.Varint(1, level_or_flag);
  fields.Parts(2, reasons);
  return out;
}

std::string LimitWire(int level_field, int rules_field, const LimitParts& limit) {
  std::string out;
  Fields fields(out);
  fields.Varint(level_field, static_cast<uint64_t>(limit.level));
  fields.Parts(rules_field, limit.rules);
  return out;
}

std::string RestrictionsWire(const ScreeningResultParts& parts) {
  std::string out;
  Fields fields(out);
  fields.Bytes(Restrictions::kImpactCeilingFieldNumber,
               LimitWire(ImpactCeiling::kLevelFieldNumber, ImpactCeiling::kRulesFieldNumber,
                         parts.impact_ceiling));
  for (const TagExclusionParts& excluded : parts.excluded_tags) {
    if (excluded.made_at_load) {
      fields.Bytes(Restrictions::kExcludedTagsFieldNumber, *excluded.made_at_load);
      continue;
    }
    std::string exclusion;
    Fields exclusion_fields(exclusion);
    exclusion_fields.Varint(TagExclusion::kTagFieldNumber, static_cast<uint64_t>(excluded.tag));
    exclusion_fields.Parts(TagExclusion::kRulesFieldNumber, excluded.rules);
    fields.Bytes(Restrictions::kExcludedTagsFieldNumber, exclusion);
  }
  if (parts.aerobic_intensity_cap) {
    fields.Bytes(Restrictions::kAerobicIntensityCapFieldNumber,
                 LimitWire(IntensityCap::kMaxIntensityFieldNumber, IntensityCap::kRulesFieldNumber,
                           *parts.aerobic_intensity_cap));
  }
  if (parts.load_cap) {
    fields.Bytes(Restrictions::kLoadCapFieldNumber,
                 LimitWire(LoadCap::kMaxPercentOneRepMaxFieldNumber, LoadCap::kRulesFieldNumber,
                           *parts.load_cap));
  }
  fields.Parts(Restrictions::kContinuationsFieldNumber, parts.continuations);
  return out;
}

}  // namespace

std::string ScreeningResultWire(const ScreeningResultParts& parts) {
  using R = v1::ScreeningResult;
  std::string out;
  out.reserve(4096);
  Fields fields(out);
  fields.Varint(R::kOutcomeFieldNumber, static_cast<uint64_t>(parts.outcome));
  fields.Parts(R::kOutcomeRulesFieldNumber, parts.outcome_rules);
  fields.Bytes(R::kBoneStatusFieldNumber, BoneStatusWire(parts.bone_status));
  fields.Parts(R::kRedFlagsFieldNumber, parts.red_flags);
  fields.Bytes(R::kClearanceFieldNumber,
               ReasonsWire(static_cast<uint64_t>(parts.clearance_level), parts.clearance_reasons));
  fields.Bytes(R::kSupervisionFieldNumber,
               ReasonsWire(parts.supervision_required, parts.supervision_reasons));
  fields.Bytes(R::kFallRiskFieldNumber,
               ReasonsWire(parts.fall_risk_flagged, parts.fall_risk_reasons));
  fields.Bytes(R::kRestrictionsFieldNumber, RestrictionsWire(parts));
  fields.String(R::kRuleSetVersionFieldNumber, parts.rule_set_version);
  return out;
}

}  // namespace osteoflow::screening

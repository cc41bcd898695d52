#include "services/screening/domain/result_wire.h"

#include <cstdint>

#include "common/proto/wire_fields.h"

namespace osteoflow::screening {
namespace {

using osteoflow::common::v1::ImpactCeiling;
using osteoflow::common::v1::IntensityCap;
using osteoflow::common::v1::LoadCap;
using osteoflow::common::v1::Restrictions;
using osteoflow::common::v1::TagExclusion;

// The result's own helpers on top of the generic field writer.
class Fields : public WireFields {
 public:
  using WireFields::WireFields;
  void Rules(int field, const RuleList& rules) {
    for (const CompiledRule* rule : rules) Bytes(field, rule->citation_wire);
  }
  void Items(int field, const FiredList& fired) {
    for (const Fired& item : fired) Bytes(field, item.effect->item_wire);
  }
};

// Items of one kind once each (several clauses of a rule may give the same one).
FiredList Distinct(const FiredList& fired) {
  FiredList distinct;
  for (const Fired& item : fired) {
    bool seen = false;
    for (const Fired& kept : distinct) seen = seen || kept.effect->item_wire == item.effect->item_wire;
    if (!seen) distinct.push_back(item);
  }
  return distinct;
}

std::string BoneStatusWire(const Decisions& decisions, const FactValues& facts,
                           const DensityReading& reading) {
  using B = v1::BoneStatus;
  std::string out;
  Fields fields(out);
  fields.Varint(B::kCategoryFieldNumber, static_cast<uint64_t>(*facts.Get(Fact::kBoneCategory)));
  fields.Varint(B::kTreatedAsFieldNumber, static_cast<uint64_t>(*facts.Get(Fact::kBoneTreatedAs)));
  if (reading.lowest_t_score) {
    fields.Double(B::kLowestTScoreFieldNumber, *reading.lowest_t_score);
    fields.Varint(B::kLowestTScoreSiteFieldNumber, reading.lowest_t_score_site);
  }
  if (reading.lowest_z_score) {
    fields.Double(B::kLowestZScoreFieldNumber, *reading.lowest_z_score);
    fields.Varint(B::kLowestZScoreSiteFieldNumber, reading.lowest_z_score_site);
  }
  fields.Bool(B::kSevereFieldNumber, facts.Flag(Fact::kSevereOsteoporosis));
  fields.Rules(B::kRulesFieldNumber, decisions.bone_rules);
  return out;
}

// Clearance, Supervision and FallRisk share a shape: a level or flag, then reasons.
std::string ReasonsWire(uint64_t level_or_flag, const FiredList& fired) {
  std::string out;
  Fields fields(out);
  fields.Varint(1, level_or_flag);
  fields.Items(2, fired);
  return out;
}

std::string LimitWire(int level_field, int rules_field, const LowestLimit& limit) {
  std::string out;
  Fields fields(out);
  fields.Varint(level_field, static_cast<uint64_t>(limit.value));
  fields.Rules(rules_field, limit.rules);
  return out;
}

std::string RestrictionsWire(const Decisions& decisions) {
  std::string out;
  Fields fields(out);
  fields.Bytes(Restrictions::kImpactCeilingFieldNumber,
               LimitWire(ImpactCeiling::kLevelFieldNumber, ImpactCeiling::kRulesFieldNumber,
                         decisions.impact));
  for (size_t tag = 0; tag < decisions.excluded_tags.size(); ++tag) {
    const RuleList& rules = decisions.excluded_tags[tag];
    if (rules.empty()) continue;
    if (rules.size() == 1) {
      fields.Bytes(Restrictions::kExcludedTagsFieldNumber,
                   decisions.first_exclusion[tag]->item_wire);
      continue;
    }
    std::string exclusion;
    Fields exclusion_fields(exclusion);
    exclusion_fields.Varint(TagExclusion::kTagFieldNumber, static_cast<uint64_t>(tag));
    exclusion_fields.Rules(TagExclusion::kRulesFieldNumber, rules);
    fields.Bytes(Restrictions::kExcludedTagsFieldNumber, exclusion);
  }
  if (decisions.intensity.value != 0) {
    fields.Bytes(Restrictions::kAerobicIntensityCapFieldNumber,
                 LimitWire(IntensityCap::kMaxIntensityFieldNumber, IntensityCap::kRulesFieldNumber,
                           decisions.intensity));
  }
  if (decisions.load.value != 0) {
    fields.Bytes(Restrictions::kLoadCapFieldNumber,
                 LimitWire(LoadCap::kMaxPercentOneRepMaxFieldNumber, LoadCap::kRulesFieldNumber,
                           decisions.load));
  }
  return out;
}

}  // namespace

std::string ResultWire(const Decisions& decisions, const FactValues& facts,
                       const DensityReading& reading, absl::string_view rule_set_version) {
  using R = v1::ScreeningResult;
  static_assert(v1::Clearance::kLevelFieldNumber == 1 && v1::Clearance::kReasonsFieldNumber == 2);
  static_assert(v1::Supervision::kRequiredFieldNumber == 1 &&
                v1::Supervision::kReasonsFieldNumber == 2);
  static_assert(v1::FallRisk::kFlaggedFieldNumber == 1 && v1::FallRisk::kReasonsFieldNumber == 2);

  std::string out;
  out.reserve(4096);
  Fields fields(out);
  fields.Varint(R::kOutcomeFieldNumber, decisions.outcome);
  fields.Rules(R::kOutcomeRulesFieldNumber, decisions.outcome_rules);
  fields.Bytes(R::kBoneStatusFieldNumber, BoneStatusWire(decisions, facts, reading));
  fields.Items(R::kRedFlagsFieldNumber, decisions.red_flags);
  fields.Bytes(R::kClearanceFieldNumber,
               ReasonsWire(decisions.clearance_level, decisions.clearances));
  const FiredList supervision = Distinct(decisions.supervision);
  const FiredList fall_risk = Distinct(decisions.fall_risk);
  fields.Bytes(R::kSupervisionFieldNumber, ReasonsWire(!supervision.empty(), supervision));
  fields.Bytes(R::kFallRiskFieldNumber, ReasonsWire(!fall_risk.empty(), fall_risk));
  fields.Bytes(R::kRestrictionsFieldNumber, RestrictionsWire(decisions));
  fields.String(R::kRuleSetVersionFieldNumber, rule_set_version);
  return out;
}

}  // namespace osteoflow::screening

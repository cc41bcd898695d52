#include "tests/support/restrictions.h"

#include <algorithm>


namespace osteoflow::testing {

namespace common = osteoflow::common::v1;

common::Restrictions MakeRestrictions(common::ImpactLevel ceiling, const std::string& ceiling_rule,
                                      std::initializer_list<common::SafetyTag> excluded) {
  common::Restrictions restrictions;
  restrictions.mutable_impact_ceiling()->set_level(ceiling);
  auto* rule = restrictions.mutable_impact_ceiling()->add_rules();
  rule->set_rule_id(ceiling_rule);
  rule->add_source_keys("ROS-2022");
  for (const common::SafetyTag tag : excluded) {
    common::TagExclusion* exclusion = restrictions.add_excluded_tags();
    exclusion->set_tag(tag);
    // SAFETY_TAG_AVOID_FLEXION -> AVOID-FLEXION
    std::string id = common::SafetyTag_Name(tag).substr(std::string("SAFETY_TAG_").size());
    std::replace(id.begin(), id.end(), '_', '-');
    exclusion->add_rules()->set_rule_id(id);
  }
  return restrictions;
}

common::Restrictions LowBoneRestrictions(common::ImpactLevel ceiling, const std::string& ceiling_rule) {
  return MakeRestrictions(
      ceiling, ceiling_rule,
      {common::SAFETY_TAG_AVOID_FLEXION, common::SAFETY_TAG_AVOID_TWIST, common::SAFETY_TAG_AVOID_NECK,
       common::SAFETY_TAG_AVOID_JERK, common::SAFETY_TAG_AVOID_FLOORLIFT,
       common::SAFETY_TAG_AVOID_FALLRISK, common::SAFETY_TAG_AVOID_SLR});
}

common::ActivityContinuation Continuation(const std::string& exercise, common::ImpactLevel max_impact,
                                          std::initializer_list<common::SafetyTag> lifted) {
  common::ActivityContinuation continuation;
  continuation.set_exercise(exercise);
  continuation.set_modification("Build up gradually; no loaded end-range twisting.");
  continuation.mutable_rule()->set_rule_id("IMP-CONTINUE");
  continuation.mutable_rule()->add_source_keys("ROS-2022");
  continuation.set_max_impact(max_impact);
  for (const common::SafetyTag tag : lifted) continuation.add_lifted_tags(tag);
  return continuation;
}

}  // namespace osteoflow::testing

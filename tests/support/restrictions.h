#pragma once

#include <initializer_list>
#include <string>

#include "osteoflow/common/v1/clinical.pb.h"

namespace osteoflow::testing {

// Restrictions as screening hands them out, each part citing its rule.
osteoflow::common::v1::Restrictions MakeRestrictions(
    osteoflow::common::v1::ImpactLevel ceiling, const std::string& ceiling_rule,
    std::initializer_list<osteoflow::common::v1::SafetyTag> excluded = {});

// Every AVOID-* tag excluded, as for anyone with osteopenia or osteoporosis.
osteoflow::common::v1::Restrictions LowBoneRestrictions(
    osteoflow::common::v1::ImpactLevel ceiling, const std::string& ceiling_rule);

// A continuation as screening writes it for IMP-CONTINUE: the exercise
// ("exercises/{id}"), the highest impact it may have, and the tags it lifts.
osteoflow::common::v1::ActivityContinuation Continuation(
    const std::string& exercise, osteoflow::common::v1::ImpactLevel max_impact,
    std::initializer_list<osteoflow::common::v1::SafetyTag> lifted = {});

}  // namespace osteoflow::testing

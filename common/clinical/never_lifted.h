#pragma once

#include <algorithm>
#include <iterator>

#include "osteoflow/common/v1/clinical.pb.h"

namespace osteoflow {

// Movement classes no continuation of an activity already done (IMP-CONTINUE)
// may set aside, whatever a rule set or a caller says. The clinical reference
// lets an activity already done go past the impact ceiling and, for racket
// sports, past the exclusion of loaded rotation; never past these, so a
// headstand or sit-ups done for years are still not continued. Screening
// refuses a rule set that lifts one; the matcher refuses restrictions that do.
inline constexpr osteoflow::common::v1::SafetyTag kNeverLiftedTags[] = {
    osteoflow::common::v1::SAFETY_TAG_AVOID_FLEXION,
    osteoflow::common::v1::SAFETY_TAG_AVOID_NECK,
    osteoflow::common::v1::SAFETY_TAG_AVOID_JERK,
    osteoflow::common::v1::SAFETY_TAG_AVOID_FLOORLIFT,
    osteoflow::common::v1::SAFETY_TAG_AVOID_FALLRISK,
    osteoflow::common::v1::SAFETY_TAG_AVOID_SLR,
    osteoflow::common::v1::SAFETY_TAG_BALANCE_CHALLENGE,
};

inline bool IsNeverLifted(int tag) {
  return std::find(std::begin(kNeverLiftedTags), std::end(kNeverLiftedTags), tag) !=
         std::end(kNeverLiftedTags);
}

}  // namespace osteoflow

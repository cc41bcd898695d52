#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "osteoflow/screening/v1/intake.pb.h"
#include "osteoflow/screening/v1/screening.pb.h"
#include "services/screening/domain/rule_set.h"

namespace osteoflow::screening {

// Applies the rule set to an intake that passed ValidateIntake. Pure: the same
// intake and rule set always give the same result. INTERNAL only if the rule
// set leaves the result without an impact ceiling (a gap in the rules).
// The result in protobuf's wire format: what screenings are answered and
// stored with (see encoding/result_wire.h).
absl::StatusOr<std::string> EvaluateIntakeWire(const RuleSet& rules,
                                               const osteoflow::screening::v1::Intake& intake);

// The same as a message.
absl::StatusOr<osteoflow::screening::v1::ScreeningResult> EvaluateIntake(
    const RuleSet& rules, const osteoflow::screening::v1::Intake& intake);

}  // namespace osteoflow::screening

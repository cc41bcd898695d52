#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "osteoflow/screening/v1/screening.pb.h"

namespace osteoflow::scheduling {

// A screening result to plan from, whether given inline or read from the
// screening service: outcome, rule-set version, restrictions (by the
// catalog's restriction-matching library, every excluded tag citing its
// rule), bounded lists and texts, and the consistency the clinical rules
// demand of it (red flags mean REFER; a fall-risk flag means no impact and
// no balance-challenging cardio; SUPERVISED_ONLY means supervision is
// required). One INVALID_ARGUMENT names every field at fault; `field`
// prefixes them.
absl::Status ValidateScreeningResult(const osteoflow::screening::v1::ScreeningResult& result,
                                     absl::string_view field);

}  // namespace osteoflow::scheduling

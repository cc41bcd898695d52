#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/text/identifiers.h"
#include "osteoflow/screening/v1/intake.pb.h"

namespace osteoflow::screening {

// Every bound, unit and consistency rule of the intake contract (see the
// comments in intake.proto). OK, or one INVALID_ARGUMENT naming every
// offending field with its path under `field` ("intake.dxa.sites[1].t_score:
// must be between -8.0 and 8.0"). `today` is the server's calendar day: the
// assessment date may not be after it.
absl::Status ValidateIntake(const osteoflow::screening::v1::Intake& intake, absl::CivilDay today,
                            absl::string_view field);

}  // namespace osteoflow::screening

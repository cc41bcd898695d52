#pragma once

#include <string>

#include "osteoflow/progress/v1/program.pb.h"

// What a programme raises: alerts on its records, referrals to a clinician.
namespace osteoflow::progress {

// An alert raised on `date` under `rule`.
osteoflow::progress::v1::Alert MakeAlert(osteoflow::progress::v1::AlertKind kind,
                                         const osteoflow::common::v1::RuleCitation& rule, std::string message,
                                         const std::string& date);

// The alert on a record that paused its programme under `stop_rule`: it
// waits for a clinician's clearance.
osteoflow::progress::v1::Alert PausedUntilClearance(const osteoflow::common::v1::RuleCitation& stop_rule,
                                                    const std::string& date);

// Adds an open referral to `program`: raised on `date` by the screening or
// record (`raised_by`) that found `reason` under `rule`.
void Refer(osteoflow::progress::v1::Program& program, const osteoflow::common::v1::RuleCitation& rule,
           const std::string& reason, osteoflow::screening::v1::ReferralTarget refer_to, const std::string& date,
           const std::string& raised_by);

// Adds a reason to screen again to `program`. A programme keeps the most
// recent few (kMaxRescreenReasons), so that its record stays bounded however
// many scans a caller records: screening again once answers them all.
inline constexpr int kMaxRescreenReasons = 10;
void AskToRescreen(osteoflow::progress::v1::Program& program, osteoflow::progress::v1::Alert reason);

}  // namespace osteoflow::progress

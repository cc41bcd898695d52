#pragma once

#include <vector>

#include "osteoflow/progress/v1/progress_report.pb.h"
#include "osteoflow/progress/v1/session_log.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"

namespace osteoflow::progress {

// One week's plan against its logs: what was planned and done per
// component, pain, effort and long soreness. Made when a week finishes and
// kept with it; made afresh for the current week.
osteoflow::progress::v1::WeekProgress WeekOf(const osteoflow::scheduling::v1::WeeklyPlan& plan, int week_index,
                                             const std::vector<const osteoflow::progress::v1::SessionLog*>& logs,
                                             int soreness_hours);

// The alerts a week's logs raised, in the order logged.
void AddAlertsOf(const std::vector<const osteoflow::progress::v1::SessionLog*>& logs,
                 google::protobuf::RepeatedPtrField<osteoflow::progress::v1::Alert>* alerts);

}  // namespace osteoflow::progress

#pragma once

#include "absl/strings/string_view.h"
#include "osteoflow/progress/v1/progress_report.pb.h"

namespace osteoflow::progress {

// A finished week's record read for a report: everything but its plan
// (about 16 KB of a week's record, and all a report does not need) when the
// record carries its progress; the whole record when it does not (a week
// finished before weeks kept their progress, whose report is made from its
// plan and logs). False when the bytes are not a ProgramWeek.
bool ParseWeekForReport(absl::string_view bytes, osteoflow::progress::v1::ProgramWeek* week);

}  // namespace osteoflow::progress

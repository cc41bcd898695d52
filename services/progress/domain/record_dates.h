#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/field_violations.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/progress/domain/program_store.h"

// The dates records carry, how they are checked, and how they order records.
namespace osteoflow::progress {

int64_t Micros(absl::Time time);
void SetTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp);
std::string Day(absl::CivilDay day);

// A required "YYYY-MM-DD" in 2000..2100; INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::CivilDay> CheckDate(const std::string& text, const std::string& field);

// The latest day a record of something done or measured may carry: today
// somewhere on Earth (UTC+14) at `now`. A later one is a mistake, not a plan.
absl::CivilDay LatestRecordDay(absl::Time now);
// INVALID_ARGUMENT naming `field` when `day` is after LatestRecordDay(now).
void CheckNotAhead(FieldViolations& problems, absl::CivilDay day, absl::Time now, const std::string& field);

// The order of a dated record among its kind: by date, then by the time it
// was stored within the second.
int64_t DatedOrder(absl::CivilDay day, absl::Time now);
// The orders of records dated from `first` to `last`, inclusive.
OrderRange DatedOrders(absl::CivilDay first, absl::CivilDay last);

}  // namespace osteoflow::progress

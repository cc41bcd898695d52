#include "services/progress/domain/record_dates.h"

#include "absl/strings/str_cat.h"
#include "common/text/identifiers.h"

namespace osteoflow::progress {
namespace {

// Dated orders count microseconds from this day.
constexpr absl::CivilDay kOrderEpoch(2000, 1, 1);
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

}  // namespace

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp) {
  const int64_t micros = Micros(time);
  timestamp->set_seconds(micros / 1000000);
  timestamp->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::StatusOr<absl::CivilDay> CheckDate(const std::string& text, const std::string& field) {
  absl::CivilDay day;
  if (text.empty()) return InvalidField(field, "required, YYYY-MM-DD");
  if (!ParseIsoDate(text, &day)) return InvalidField(field, "not a date: want YYYY-MM-DD");
  if (day.year() < 2000 || day.year() > 2100) return InvalidField(field, "must be in 2000..2100");
  return day;
}

absl::CivilDay LatestRecordDay(absl::Time now) {
  return absl::ToCivilDay(now + absl::Hours(14), absl::UTCTimeZone());
}

void CheckNotAhead(FieldViolations& problems, absl::CivilDay day, absl::Time now, const std::string& field) {
  if (const absl::CivilDay latest = LatestRecordDay(now); day > latest) {
    problems.Add(field, absl::StrCat("must not be in the future (latest ", Day(latest), ")"));
  }
}

int64_t DatedOrder(absl::CivilDay day, absl::Time now) {
  return (day - kOrderEpoch) * kMicrosPerDay + Micros(now) % kMicrosPerDay;
}

OrderRange DatedOrders(absl::CivilDay first, absl::CivilDay last) {
  return OrderRange{(first - kOrderEpoch) * kMicrosPerDay, (last + 1 - kOrderEpoch) * kMicrosPerDay - 1};
}

}  // namespace osteoflow::progress

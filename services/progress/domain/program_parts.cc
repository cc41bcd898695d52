#include "services/progress/domain/program_parts.h"

#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "common/digest/content_digest.h"
#include "common/status/field_violations.h"
#include "common/text/identifiers.h"

namespace osteoflow::progress {
namespace {

constexpr size_t kIdHexDigits = 20;
// Dated orders count microseconds from this day.
constexpr absl::CivilDay kOrderEpoch(2000, 1, 1);
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

}  // namespace

std::string IdOf(absl::string_view scope, absl::string_view request_id) {
  return absl::BytesToHexString(Sha256(absl::StrCat(scope, "\n", request_id))).substr(0, kIdHexDigits);
}

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

absl::StatusOr<ProgramKey> ParseProgramName(const std::string& name, const std::string& field) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "patients" || parts[2] != "programs" || !IsOpaqueId(parts[1]) ||
      !IsOpaqueId(parts[3])) {
    return InvalidField(field, name.empty() ? "required, \"patients/{patient_id}/programs/{program_id}\""
                                            : "want \"patients/{patient_id}/programs/{program_id}\"");
  }
  return ProgramKey{std::string(parts[1]), std::string(parts[3])};
}

osteoflow::progress::v1::Alert MakeAlert(osteoflow::progress::v1::AlertKind kind,
                                         const osteoflow::common::v1::RuleCitation& rule, std::string message,
                                         const std::string& date) {
  osteoflow::progress::v1::Alert alert;
  alert.set_kind(kind);
  *alert.mutable_rule() = rule;
  alert.set_message(std::move(message));
  alert.set_date(date);
  return alert;
}

std::string ProgramRecordBytes(osteoflow::progress::v1::Program& program) {
  // Lent out and back rather than copied: a plan is about 20 KB.
  std::unique_ptr<osteoflow::scheduling::v1::WeeklyPlan> plan(
      program.has_current_plan() ? program.release_current_plan() : nullptr);
  std::string bytes = program.SerializeAsString();
  if (plan != nullptr) program.set_allocated_current_plan(plan.release());
  return bytes;
}

void MoveProgram(osteoflow::progress::v1::Program& from, osteoflow::progress::v1::Program* to) {
  if (from.GetArena() == to->GetArena()) {
    *to = std::move(from);
    return;
  }
  std::unique_ptr<osteoflow::scheduling::v1::WeeklyPlan> plan(
      from.has_current_plan() && from.GetArena() == nullptr ? from.release_current_plan() : nullptr);
  *to = std::move(from);  // what is left is a copy of about 1.4 KB
  if (plan != nullptr) to->set_allocated_current_plan(plan.release());
}

}  // namespace osteoflow::progress

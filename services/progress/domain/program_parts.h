#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "common/status/field_violations.h"
#include "osteoflow/progress/v1/program.pb.h"
#include "services/progress/domain/program_store.h"

// What the programme use cases share: ids, dates, names, alerts and how a
// commit that adds a record ends.
namespace osteoflow::progress {

// How often a change is tried again after the programme changed under it.
inline constexpr int kMaxCommitAttempts = 16;
// The most records of one kind a use case reads at once.
inline constexpr int kMaxRecordsRead = 10000;
inline constexpr size_t kMaxNoteLength = 2000;

// A record's or programme's id: a digest of its scope and the request_id, so
// a retry finds what the first attempt stored.
std::string IdOf(absl::string_view scope, absl::string_view request_id);

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

struct ProgramKey {
  std::string patient_id;
  std::string program_id;
};
// "patients/{patient_id}/programs/{program_id}"; INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<ProgramKey> ParseProgramName(const std::string& name, const std::string& field);

osteoflow::progress::v1::Alert MakeAlert(osteoflow::progress::v1::AlertKind kind,
                                         const osteoflow::common::v1::RuleCitation& rule, std::string message,
                                         const std::string& date);

// The programme record as stored: the Program without its current plan,
// which is stored apart (see StoredProgram).
std::string ProgramRecordBytes(osteoflow::progress::v1::Program& program);

// Moves a programme into an answer, which may live on the call's arena,
// without copying its plan: a move between arenas is a copy, about 20 µs for
// a programme with its 17 KB plan; the arena takes the plan over instead.
void MoveProgram(osteoflow::progress::v1::Program& from, osteoflow::progress::v1::Program* to);

// How a commit that adds a record ends: the new record, or on a retry the
// one stored first; NOT_FOUND for a programme that is gone; nullopt when the
// programme changed since it was read (read it again and retry).
template <typename Record>
std::optional<absl::Status> Settle(const absl::StatusOr<CommitResult>& result, Record& fresh,
                                   const std::string& stored_record, const std::string& program, Record* out) {
  if (!result.ok()) return result.status();
  switch (*result) {
    case CommitResult::kCommitted:
      *out = std::move(fresh);
      return absl::OkStatus();
    case CommitResult::kAlreadyStored:
      if (!out->ParseFromString(stored_record)) return absl::InternalError("a stored record is corrupt");
      return absl::OkStatus();
    case CommitResult::kMissing:
      return absl::NotFoundError(absl::StrCat("program: no programme ", program));
    case CommitResult::kConflict:
      break;
  }
  return std::nullopt;
}

}  // namespace osteoflow::progress

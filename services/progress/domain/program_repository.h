#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "osteoflow/progress/v1/measurement.pb.h"
#include "osteoflow/progress/v1/program.pb.h"
#include "osteoflow/progress/v1/progress_report.pb.h"
#include "osteoflow/progress/v1/session_log.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "services/progress/domain/program_names.h"
#include "services/progress/domain/program_store.h"

// Programmes and their records as the use cases see them: read by name,
// changed by commits tried again while other calls change the programme, and
// found again under a request's id when the request is retried.
namespace osteoflow::progress {

// A programme read for a change.
struct LoadedProgram {
  ProgramKey key;
  // As stored: a commit expects exactly `stored.program`.
  StoredProgram stored;
  // Parsed from `stored`, with its current plan.
  osteoflow::progress::v1::Program program;
};

// How one read–decide–commit attempt ended: the call's answer, or nullopt
// when the programme changed since it was read (read it and decide again).
using CommitOutcome = std::optional<absl::Status>;

class ProgramRepository {
 public:
  explicit ProgramRepository(std::shared_ptr<ProgramStore> store) : store_(std::move(store)) {}

  // Stores a new programme unless one with its id exists; `program` gets the
  // programme as stored (on a retry, the first attempt's); `stored_now`, when
  // given, whether this call stored it.
  // `events` go to the patient's outbox with it.
  absl::Status Create(const ProgramKey& key, absl::Time create_time, osteoflow::progress::v1::Program& created,
                      std::vector<OutboxEvent> events, osteoflow::progress::v1::Program* program,
                      bool* stored_now = nullptr);

  // The programme named `name`; INVALID_ARGUMENT or NOT_FOUND naming `field`.
  absl::StatusOr<LoadedProgram> Load(const std::string& name, const std::string& field);

  // Adds a page of a patient's programmes, newest first and without their
  // plans, to `programs`; the cursor of the next page, empty after the last.
  absl::StatusOr<std::string> List(const std::string& patient_id, int page_size, const std::string& cursor,
                                   google::protobuf::RepeatedPtrField<osteoflow::progress::v1::Program>* programs);

  // What a retried request finds stored by its first attempt: the programme
  // under `key`, or the session log under `session_id`; false when none.
  absl::StatusOr<bool> FindProgram(const ProgramKey& key, osteoflow::progress::v1::Program* program);
  absl::StatusOr<bool> FindSessionLog(const ProgramKey& key, const std::string& session_id,
                                      osteoflow::progress::v1::SessionLog* log);

  // The session logs of one week of the programme: those dated within its
  // plan's days and logged in it. A week holds at most the record limits'
  // logs, so this read is bounded whatever the programme's age.
  absl::StatusOr<std::vector<osteoflow::progress::v1::SessionLog>> WeekLogs(
      const ProgramKey& key, const osteoflow::scheduling::v1::WeeklyPlan& plan, int week_index);
  // A programme's measurements in their order: every one, or those whose
  // orders are in `dated` (DatedOrders of a span of days).
  absl::StatusOr<std::vector<osteoflow::progress::v1::Measurement>> Measurements(const ProgramKey& key,
                                                                                  OrderRange dated = {});
  // Finished weeks without their plans, unless a week is too old to carry
  // its progress (see ParseWeekForReport): every one, or those whose week
  // indexes are in `week_indexes`.
  absl::StatusOr<std::vector<osteoflow::progress::v1::ProgramWeek>> FinishedWeeksForReport(
      const ProgramKey& key, OrderRange week_indexes = {});

  // Asks the missed-sessions sweep to look at the programme from `when`.
  absl::Status SweepFrom(const ProgramKey& key, absl::Time when);

  // Applies `change` (and adds `record`) if the programme record is still
  // `expected`; see ProgramStore::Commit.
  absl::StatusOr<CommitResult> Commit(const ProgramKey& key, const std::string& expected,
                                      const StoredProgram& change, const std::optional<NewRecord>& record,
                                      std::string* stored_record);

  // Runs `attempt` (read the programme, decide, commit) until it ends other
  // than in a conflict; ABORTED when other calls changed the programme under
  // every attempt. Each attempt reads afresh, so a retry decides on what
  // the other calls left.
  static absl::Status CommitWithRetry(absl::FunctionRef<CommitOutcome()> attempt);

 private:
  const std::shared_ptr<ProgramStore> store_;
};

// How a commit that adds a record ends: the new record, or on a retry the
// one stored first; NOT_FOUND for a programme that is gone; nullopt when the
// programme changed since it was read.
template <typename Record>
CommitOutcome Settle(const absl::StatusOr<CommitResult>& result, Record& fresh, const std::string& stored_record,
                     const std::string& program, Record* out) {
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
    case CommitResult::kQuotaReached:
      return absl::ResourceExhaustedError("record: the programme's limit for this kind of record is reached");
    case CommitResult::kConflict:
      break;
  }
  return std::nullopt;
}

}  // namespace osteoflow::progress

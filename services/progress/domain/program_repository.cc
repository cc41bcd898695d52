#include "services/progress/domain/program_repository.h"

#include <vector>

#include "common/text/identifiers.h"
#include "services/progress/domain/record_dates.h"
#include "services/progress/encoding/program_wire.h"
#include "services/progress/encoding/week_wire.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;

// How often a change is tried again after the programme changed under it.
constexpr int kMaxCommitAttempts = 16;
// The most records of one kind read at once.
constexpr int kMaxRecordsRead = 10000;

// A programme as stored, in its wire form.
absl::Status ParseStored(const StoredProgram& stored, v1::Program* program) {
  if (!program->ParseFromString(stored.program)) return absl::InternalError("stored programme is corrupt");
  if (!stored.plan.empty() && !program->mutable_current_plan()->ParseFromString(stored.plan)) {
    return absl::InternalError("stored plan is corrupt");
  }
  return absl::OkStatus();
}

// Records as read from the store; `what` names their kind when one is corrupt.
template <typename Record>
absl::StatusOr<std::vector<Record>> ParseRecords(absl::StatusOr<std::vector<std::string>> stored,
                                                 absl::string_view what) {
  if (!stored.ok()) return stored.status();
  std::vector<Record> records(stored->size());
  for (size_t i = 0; i < stored->size(); ++i) {
    if (!records[i].ParseFromString((*stored)[i])) return absl::InternalError(absl::StrCat("stored ", what, " is corrupt"));
  }
  return records;
}

}  // namespace

absl::Status ProgramRepository::Create(const ProgramKey& key, absl::Time create_time, v1::Program& created,
                                       std::vector<OutboxEvent> events, v1::Program* program, bool* stored_now) {
  StoredProgram to_store;
  to_store.events = std::move(events);
  if (created.has_current_plan()) to_store.plan = created.current_plan().SerializeAsString();
  to_store.program = ProgramRecordBytes(created);
  StoredProgram stored;
  absl::StatusOr<bool> saved =
      store_->CreateProgram(key.patient_id, key.program_id, Micros(create_time), to_store, &stored);
  if (!saved.ok()) return saved.status();
  if (stored_now != nullptr) *stored_now = *saved;
  if (*saved) {
    MoveProgram(created, program);
    return absl::OkStatus();
  }
  return ParseStored(stored, program);
}

absl::StatusOr<LoadedProgram> ProgramRepository::Load(const std::string& name, const std::string& field) {
  absl::StatusOr<ProgramKey> key = ParseProgramName(name, field);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::optional<StoredProgram>> stored = store_->GetProgram(key->patient_id, key->program_id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return absl::NotFoundError(absl::StrCat(field, ": no programme ", name));
  LoadedProgram loaded{*std::move(key), **std::move(stored), {}};
  if (absl::Status parsed = ParseStored(loaded.stored, &loaded.program); !parsed.ok()) return parsed;
  return loaded;
}

absl::StatusOr<std::string> ProgramRepository::List(const std::string& patient_id, int page_size,
                                                     const std::string& cursor,
                                                     google::protobuf::RepeatedPtrField<v1::Program>* programs) {
  absl::StatusOr<ProgramStore::ProgramPage> page = store_->ListPrograms(patient_id, page_size, cursor);
  if (!page.ok()) return page.status();
  for (const std::string& bytes : page->programs) {
    if (!programs->Add()->ParseFromString(bytes)) return absl::InternalError("stored programme is corrupt");
  }
  return std::move(page->next_cursor);
}

absl::StatusOr<bool> ProgramRepository::FindProgram(const ProgramKey& key, v1::Program* program) {
  absl::StatusOr<std::optional<StoredProgram>> stored = store_->GetProgram(key.patient_id, key.program_id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return false;
  if (absl::Status parsed = ParseStored(**stored, program); !parsed.ok()) return parsed;
  return true;
}

absl::StatusOr<bool> ProgramRepository::FindSessionLog(const ProgramKey& key, const std::string& session_id,
                                                       v1::SessionLog* log) {
  absl::StatusOr<std::optional<std::string>> stored =
      store_->GetRecord(key.patient_id, key.program_id, RecordKind::kSession, session_id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return false;
  if (!log->ParseFromString(**stored)) return absl::InternalError("stored session log is corrupt");
  return true;
}

absl::StatusOr<std::vector<v1::SessionLog>> ProgramRepository::WeekLogs(const ProgramKey& key,
                                                                       const scheduling_v1::WeeklyPlan& plan,
                                                                       int week_index) {
  absl::CivilDay first, last;
  if (plan.days_size() != 7 || !ParseIsoDate(plan.days(0).date(), &first) ||
      !ParseIsoDate(plan.days(6).date(), &last)) {
    return absl::InternalError("stored programme has no plan for its week");
  }
  absl::StatusOr<std::vector<v1::SessionLog>> logs = ParseRecords<v1::SessionLog>(
      store_->Records(key.patient_id, key.program_id, RecordKind::kSession, kMaxRecordsRead, DatedOrders(first, last)),
      "session log");
  if (logs.ok()) std::erase_if(*logs, [&](const v1::SessionLog& log) { return log.week_index() != week_index; });
  return logs;
}

absl::StatusOr<std::vector<v1::Measurement>> ProgramRepository::Measurements(const ProgramKey& key,
                                                                             OrderRange dated) {
  return ParseRecords<v1::Measurement>(
      store_->Records(key.patient_id, key.program_id, RecordKind::kMeasurement, kMaxRecordsRead, dated),
      "measurement");
}

absl::StatusOr<std::vector<v1::ProgramWeek>> ProgramRepository::FinishedWeeksForReport(const ProgramKey& key,
                                                                                     OrderRange week_indexes) {
  absl::StatusOr<std::vector<std::string>> stored =
      store_->Records(key.patient_id, key.program_id, RecordKind::kWeek, kMaxRecordsRead, week_indexes);
  if (!stored.ok()) return stored.status();
  std::vector<v1::ProgramWeek> weeks(stored->size());
  for (size_t i = 0; i < stored->size(); ++i) {
    if (!ParseWeekForReport((*stored)[i], &weeks[i])) return absl::InternalError("stored week is corrupt");
  }
  return weeks;
}

absl::StatusOr<CommitResult> ProgramRepository::Commit(const ProgramKey& key, const std::string& expected,
                                                       const StoredProgram& change,
                                                       const std::optional<NewRecord>& record,
                                                       std::string* stored_record) {
  return store_->Commit(key.patient_id, key.program_id, expected, change, record, stored_record);
}

absl::Status ProgramRepository::SweepFrom(const ProgramKey& key, absl::Time when) {
  return store_->CheckAt(key.patient_id, key.program_id, when);
}

absl::Status ProgramRepository::CommitWithRetry(absl::FunctionRef<CommitOutcome()> attempt) {
  for (int tried = 0; tried < kMaxCommitAttempts; ++tried) {
    if (CommitOutcome outcome = attempt()) return *std::move(outcome);
  }
  return absl::AbortedError("program: changed by other calls throughout; retry with the same request_id");
}

}  // namespace osteoflow::progress

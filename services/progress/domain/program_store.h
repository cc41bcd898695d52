#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace osteoflow::progress {

// The kinds of record a programme accumulates.
enum class RecordKind { kSession, kMeasurement, kWeek };

// Which records of a kind to read, by their order (inclusive bounds).
struct OrderRange {
  int64_t first = std::numeric_limits<int64_t>::min();
  int64_t last = std::numeric_limits<int64_t>::max();
};

// A limit a new record must respect: fewer than `most` records of its kind
// may already have an order in `range` (a day's or a week's logs).
struct RecordQuota {
  OrderRange range;
  int most = 0;
};

// A record to add with a programme change: its id (a digest of the
// request_id, so a retry finds it), bytes, its order among the programme's
// records of that kind, and the quotas it is added under.
struct NewRecord {
  RecordKind kind = RecordKind::kSession;
  std::string id;
  std::string bytes;
  int64_t order = 0;
  std::vector<RecordQuota> quotas = {};
};

// An event a change raises, appended to the patient's outbox in the same
// atomic step as the change and relayed to the event feed from there: its
// CloudEvents type and the CloudEvent's bytes.
struct OutboxEvent {
  std::string type;
  std::string bytes;
};

// A programme as stored: its record (the Program without its current plan)
// and the current week's plan (a WeeklyPlan; empty while there is none). They
// are kept apart because most changes (a session log, a measurement, a
// referral) leave the plan alone: they neither send nor compare its bytes.
struct StoredProgram {
  std::string program;
  std::string plan;
  // On a write, the events the change raises (never filled on a read).
  std::vector<OutboxEvent> events = {};
};

// What a commit did.
enum class CommitResult {
  kCommitted,
  // A record with this id was already stored (a retry): nothing changed, and
  // `stored_record` holds it.
  kAlreadyStored,
  // The programme changed since it was read: read it again and retry.
  kConflict,
  // No such programme.
  kMissing,
  // One of the record's quotas is used up: nothing changed.
  kQuotaReached,
};

// Durable programmes and their records (session logs, measurements, finished
// weeks). Every change is atomic (the programme, its plan and the new record
// together, or none of them) and idempotent on the record id; all of one
// patient's keys share a cluster slot. Store outages are UNAVAILABLE.
class ProgramStore {
 public:
  virtual ~ProgramStore() = default;

  // Stores the programme unless one with the id exists; true when stored now.
  // `stored` receives the programme as stored (the earlier one on a retry).
  virtual absl::StatusOr<bool> CreateProgram(absl::string_view patient_id, absl::string_view program_id,
                                             int64_t create_time_micros, const StoredProgram& program,
                                             StoredProgram* stored) = 0;

  virtual absl::StatusOr<std::optional<StoredProgram>> GetProgram(absl::string_view patient_id,
                                                                  absl::string_view program_id) = 0;

  // A patient's programme records (without their plans), newest first:
  // `page_size` at most, from `cursor` ("" for the first page;
  // INVALID_ARGUMENT naming page_token when malformed). `next_cursor` is
  // empty after the last page.
  struct ProgramPage {
    std::vector<std::string> programs;
    std::string next_cursor;
  };
  virtual absl::StatusOr<ProgramPage> ListPrograms(absl::string_view patient_id, int page_size,
                                                   absl::string_view cursor) = 0;

  // If the programme record is still exactly `expected`: replaces the record
  // with `change.program` and the current plan with `change.plan` (each only
  // when not empty), and adds `record` (if any) unless its id is stored.
  // A record over one of its quotas changes nothing (kQuotaReached); the
  // quota is checked in the same atomic step as the write.
  virtual absl::StatusOr<CommitResult> Commit(absl::string_view patient_id, absl::string_view program_id,
                                              const std::string& expected, const StoredProgram& change,
                                              const std::optional<NewRecord>& record,
                                              std::string* stored_record) = 0;

  // One record by id; nullopt when not stored.
  virtual absl::StatusOr<std::optional<std::string>> GetRecord(absl::string_view patient_id,
                                                               absl::string_view program_id, RecordKind kind,
                                                               absl::string_view record_id) = 0;

  // A programme's records of one kind whose order is in `range`, in order
  // (at most `limit`).
  virtual absl::StatusOr<std::vector<std::string>> Records(absl::string_view patient_id,
                                                           absl::string_view program_id, RecordKind kind,
                                                           int limit, OrderRange range) = 0;

  // The programmes the missed-sessions sweep looks at: each is due a check
  // at a time; CheckAt (re)sets it, Forget drops it (a check of a programme
  // that is gone or not active forgets it; a resumption asks again).
  struct ProgramRef {
    std::string patient_id;
    std::string program_id;
  };
  virtual absl::Status CheckAt(absl::string_view patient_id, absl::string_view program_id, absl::Time when) = 0;
  virtual absl::Status Forget(absl::string_view patient_id, absl::string_view program_id) = 0;
  // Up to `limit` programmes due at or before `now`.
  virtual absl::StatusOr<std::vector<ProgramRef>> DueChecks(absl::Time now, int limit) = 0;

  // Adds `events` to the programme's outbox unless `once_id` was raised
  // before (kAlreadyStored), and unless a sweep holding a later lease than
  // `fence` has written for this programme (kConflict): a sweep that lost its
  // lease while it worked changes nothing. kMissing when there is no such
  // programme.
  virtual absl::StatusOr<CommitResult> RaiseOnce(absl::string_view patient_id, absl::string_view program_id,
                                                 absl::string_view once_id, int64_t fence,
                                                 const std::vector<OutboxEvent>& events) = 0;
};

}  // namespace osteoflow::progress

#include "services/progress/domain/missed_sessions.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/progress/domain/program_events.h"
#include "services/progress/domain/program_names.h"
#include "services/progress/domain/record_dates.h"
#include "services/progress/domain/record_ids.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;

}  // namespace

MissedSessions::MissedSessions(std::shared_ptr<ProgramStore> store, std::shared_ptr<SweepLease> lease,
                               std::function<absl::Time()> now, MissedSessionsSettings settings)
    : store_(store), repository_(std::move(store)), lease_(std::move(lease)), now_(std::move(now)),
      settings_(settings) {}

std::vector<std::string> MissedSessions::MissedDays(const scheduling_v1::WeeklyPlan& plan,
                                                    const std::vector<v1::SessionLog>& logs, absl::CivilDay today) {
  std::string last_logged;
  for (const v1::SessionLog& log : logs) last_logged = std::max(last_logged, log.date());
  const std::string before = Day(today);
  std::vector<std::string> missed;
  for (const scheduling_v1::PlanDay& day : plan.days()) {
    if (day.sessions().empty() || day.date() >= before || day.date() <= last_logged) continue;
    missed.push_back(day.date());
  }
  return missed;
}

absl::StatusOr<int> MissedSessions::Sweep() {
  absl::StatusOr<int64_t> fence = lease_->Hold();
  if (!fence.ok()) return fence.status();
  if (*fence == 0) return 0;
  const absl::Time now = now_();
  absl::StatusOr<std::vector<ProgramStore::ProgramRef>> due = store_->DueChecks(now, settings_.batch);
  if (!due.ok()) return due.status();
  int raised = 0;
  for (const ProgramStore::ProgramRef& ref : *due) {
    const ProgramKey key{ref.patient_id, ref.program_id};
    v1::Program program;
    absl::StatusOr<bool> found = repository_.FindProgram(key, &program);
    if (!found.ok()) return found.status();
    if (!*found || program.state() != v1::PROGRAM_STATE_ACTIVE || !program.has_current_plan()) {
      if (absl::Status forgotten = store_->Forget(ref.patient_id, ref.program_id); !forgotten.ok()) return forgotten;
      continue;
    }
    absl::StatusOr<std::vector<v1::SessionLog>> logs =
        repository_.WeekLogs(key, program.current_plan(), program.week_index());
    if (!logs.ok()) return logs.status();
    const std::vector<std::string> missed =
        MissedDays(program.current_plan(), *logs, absl::ToCivilDay(now, absl::UTCTimeZone()));
    if (static_cast<int>(missed.size()) >= settings_.days) {
      // Named by the stretch's first day: later sweeps of the same stretch
      // find it raised.
      const std::string stretch = IdOf(program.name(), absl::StrCat("missed\n", missed.front()));
      ChangeEvents events(program.name(), stretch, now);
      events.SessionsMissed(missed, program.week_index());
      absl::StatusOr<CommitResult> result =
          store_->RaiseOnce(ref.patient_id, ref.program_id, stretch, *fence, events.ToOutbox());
      if (!result.ok()) return result.status();
      // A later lease holder wrote here: this sweep is no longer the one.
      if (*result == CommitResult::kConflict) return raised;
      raised += *result == CommitResult::kCommitted;
    }
    if (absl::Status later = store_->CheckAt(ref.patient_id, ref.program_id, now + settings_.recheck); !later.ok()) {
      return later;
    }
  }
  return raised;
}

}  // namespace osteoflow::progress

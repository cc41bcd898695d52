// Programs::AdvanceWeek: the progression rules applied to the week's logs, the
// next week planned with the new doses, the finished week kept.
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/progress/domain/program_events.h"
#include "services/progress/domain/programs.h"
#include "services/progress/domain/progression.h"
#include "services/progress/domain/record_ids.h"
#include "services/progress/domain/request_checks.h"
#include "services/progress/domain/week_progress.h"
#include "services/progress/encoding/program_wire.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;

}  // namespace

absl::Status Programs::AdvanceWeek(const v1::AdvanceWeekRequest& request, v1::Program* program) {
  if (absl::Status valid = CheckOpaqueId(request.request_id(), "request_id"); !valid.ok()) return valid;
  const std::string week_id = IdOf(request.program(), absl::StrCat("advance\n", request.request_id()));
  return repository_.CommitWithRetry([&]() -> CommitOutcome {
    absl::StatusOr<LoadedProgram> loaded = repository_.Load(request.program(), "program");
    if (!loaded.ok()) return loaded.status();
    v1::Program& advanced = loaded->program;
    if (advanced.state() != v1::PROGRAM_STATE_ACTIVE) {
      return absl::FailedPreconditionError(absl::StrCat(
          "program: ", v1::ProgramState_Name(advanced.state()),
          "; a week advances once a clinician's clearance resumes it"));
    }
    const scheduling_v1::WeeklyPlan& plan = advanced.current_plan();
    absl::StatusOr<std::vector<v1::SessionLog>> logs = repository_.WeekLogs(loaded->key, plan, advanced.week_index());
    if (!logs.ok()) return logs.status();
    const int next_week = advanced.week_index() + 1;
    WeekProgression progression = ProgressWeek(plan, *logs, advanced.progression(), *rules_, next_week);
    v1::ProgramWeek finished;
    finished.set_week_index(advanced.week_index());
    *finished.mutable_plan() = plan;
    for (v1::ProgressionDecision& decision : progression.decisions) *finished.add_decisions() = std::move(decision);
    std::vector<const v1::SessionLog*> week_logs;
    for (const v1::SessionLog& log : *logs) week_logs.push_back(&log);
    *finished.mutable_progress() =
        WeekOf(plan, advanced.week_index(), week_logs, rules_->document().comfort().soreness_hours());
    AddAlertsOf(week_logs, finished.mutable_alerts());
    advanced.clear_progression();
    for (scheduling_v1::ExerciseProgression& entry : progression.next) *advanced.add_progression() = std::move(entry);
    absl::StatusOr<scheduling_v1::WeeklyPlan> next_plan = PlanWeek(advanced, next_week);
    if (!next_plan.ok()) return next_plan.status();
    advanced.set_week_index(next_week);
    StoredProgram change{std::string(), next_plan->SerializeAsString()};
    *advanced.mutable_current_plan() = *std::move(next_plan);
    change.program = ProgramRecordBytes(advanced);
    ChangeEvents events(request.program(), week_id, now_());
    events.Advanced(finished, absl::StrCat(request.program(), "/weeks/", week_id), next_week);
    events.AdherenceChecked(finished, adherence_alert_percent_);
    change.events = events.ToOutbox();
    const NewRecord record{RecordKind::kWeek, week_id, finished.SerializeAsString(), finished.week_index()};
    absl::StatusOr<CommitResult> result =
        repository_.Commit(loaded->key, loaded->stored.program, change, record, nullptr);
    if (!result.ok()) return result.status();
    current_weeks_.Forget(request.program());
    switch (*result) {
      case CommitResult::kCommitted:
        flow_->WeekFinished(finished);
        MoveProgram(advanced, program);
        return absl::OkStatus();
      case CommitResult::kAlreadyStored: {
        // A retry: the week was advanced by the first attempt.
        absl::StatusOr<LoadedProgram> current = repository_.Load(request.program(), "program");
        if (!current.ok()) return current.status();
        MoveProgram(current->program, program);
        return absl::OkStatus();
      }
      case CommitResult::kMissing:
        return absl::NotFoundError(absl::StrCat("program: no programme ", request.program()));
      case CommitResult::kQuotaReached:  // a finished week has no quota
        return absl::InternalError("a finished week was refused by a quota");
      case CommitResult::kConflict:
        break;
    }
    return std::nullopt;
  });
}

}  // namespace osteoflow::progress

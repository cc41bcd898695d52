#include "services/progress/domain/programs.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/paging/page_token.h"
#include "common/status/field_violations.h"
#include "common/text/identifiers.h"
#include "common/text/resource_names.h"
#include "services/progress/domain/alerts.h"
#include "services/progress/domain/program_events.h"
#include "services/progress/domain/record_dates.h"
#include "services/progress/domain/record_ids.h"
#include "services/progress/domain/request_checks.h"
#include "services/progress/encoding/program_wire.h"

// Enrolment, reading and listing programmes, and a clinician's clearance.
// Session logs, measurements, advancing a week and the progress report each
// have their own file.
namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

// The answer a future holds; a promise broken without one (which gRPC's
// callbacks never do) is an internal error, not a crash.
template <typename T>
absl::StatusOr<T> AnswerOf(std::future<absl::StatusOr<T>> future) {
  try {
    return future.get();
  } catch (const std::future_error& error) {
    return absl::InternalError(absl::StrCat("no answer: ", error.what()));
  }
}

}  // namespace

Programs::Programs(std::shared_ptr<ProgramStore> store, std::shared_ptr<ScreeningGateway> screening,
                   std::shared_ptr<SchedulingGateway> planning, std::shared_ptr<const ProgressionRules> rules,
                   std::function<absl::Time()> now, size_t current_weeks_kept, std::shared_ptr<ClinicalFlow> flow,
                   int adherence_alert_percent)
    : repository_(std::move(store)),
      screening_(std::move(screening)),
      planning_(std::move(planning)),
      rules_(std::move(rules)),
      now_(std::move(now)),
      current_weeks_(current_weeks_kept),
      flow_(flow != nullptr ? std::move(flow) : std::make_shared<UntoldClinicalFlow>()),
      adherence_alert_percent_(adherence_alert_percent) {}

absl::StatusOr<scheduling_v1::WeeklyPlan> Programs::PlanWeek(const v1::Program& program, int week_index) {
  absl::CivilDay start;
  ParseIsoDate(program.start_date(), &start);  // checked at enrolment
  scheduling_v1::BuildWeeklyPlanRequest request;
  screening_v1::ScreeningResult* result = request.mutable_screening_result();
  *result = program.screening_result();
  if (result->outcome() == screening_v1::OUTCOME_REFER) {
    // Planned only after a clinician's clearance (ResumeProgram): the red
    // flags stay on the programme's referrals, the plan is made from what
    // the screening otherwise decided, and clearance is recorded as given.
    result->clear_red_flags();
    result->set_outcome(result->supervision().required() ? screening_v1::OUTCOME_SUPERVISED_ONLY
                                                         : screening_v1::OUTCOME_PROCEED_AFTER_CLEARANCE);
  }
  absl::StatusOr<ProgramKey> key = ParseProgramName(program.name(), "name");
  if (!key.ok()) return key.status();
  request.set_patient_id(key->patient_id);
  *request.mutable_preferences() = program.preferences();
  request.set_week_start_date(Day(start + 7 * (week_index - 1)));
  request.set_week_index(week_index);
  *request.mutable_progression() = program.progression();
  return planning_->Plan(request);
}

absl::Status Programs::Enroll(const v1::EnrollRequest& request, v1::Program* program) {
  FieldViolations problems;
  problems.Include(CheckOpaqueId(request.request_id(), "request_id"));
  if (!request.has_intake()) {
    problems.Add("intake", "required");
  } else {
    problems.Include(CheckOpaqueId(request.intake().patient_id(), "intake.patient_id"));
  }
  if (!request.has_preferences()) problems.Add("preferences", "required");
  if (absl::StatusOr<absl::CivilDay> start = CheckDate(request.start_date(), "start_date"); !start.ok()) {
    problems.Include(start.status());
  }
  if (absl::Status status = problems.ToStatus(); !status.ok()) return status;

  const std::string& patient_id = request.intake().patient_id();
  const ProgramKey key{patient_id, IdOf(patient_id, request.request_id())};
  // Screening and planning are idempotent too, so a retry runs the same
  // steps and the store keeps the first programme. When a peer cannot be
  // reached, a retry still finds what the first attempt stored.
  const auto stored_or = [&](absl::Status failure) -> absl::Status {
    if (failure.code() != absl::StatusCode::kUnavailable) return failure;
    absl::StatusOr<bool> found = repository_.FindProgram(key, program);
    return found.ok() && *found ? absl::OkStatus() : failure;
  };
  // Nothing is stored before the whole request is known to be acceptable:
  // the intake is screened without storing it (a preview) and week 1 planned
  // from that, which checks the preferences against the catalog. Only then
  // is the screening stored. Its stored result is the preview's unless the
  // screening rules changed in between; then the plan is made again.
  v1::Program created;
  created.set_name(ProgramName(key.patient_id, key.program_id));
  created.set_request_id(request.request_id());
  *created.mutable_preferences() = request.preferences();
  created.set_start_date(request.start_date());
  absl::StatusOr<screening_v1::ScreeningResult> preview = screening_->Preview(request.intake());
  if (!preview.ok()) return stored_or(preview.status());
  std::optional<scheduling_v1::WeeklyPlan> early_plan;
  if (preview->outcome() != screening_v1::OUTCOME_REFER) {
    *created.mutable_screening_result() = *preview;
    absl::StatusOr<scheduling_v1::WeeklyPlan> plan = PlanWeek(created, 1);
    if (!plan.ok()) return stored_or(plan.status());
    early_plan = *std::move(plan);
  }
  absl::StatusOr<screening_v1::Screening> screened = AnswerOf(
      screening_->StartScreen(absl::StrCat("enrol-", IdOf("enrol", request.request_id())), request.intake()));
  if (!screened.ok()) return stored_or(screened.status());
  // Compared as bytes: the result has no map fields, so equal results
  // serialise alike (a tenth of MessageDifferencer's time, which was 30-60 µs).
  if (early_plan.has_value() && preview->SerializeAsString() != screened->result().SerializeAsString()) {
    early_plan.reset();
  }

  const absl::Time now = now_();
  SetTimestamp(now, created.mutable_create_time());
  created.set_screening(screened->name());
  *created.mutable_screening_result() = std::move(*screened->mutable_result());
  const std::string today = Day(absl::ToCivilDay(now, absl::UTCTimeZone()));
  if (created.screening_result().outcome() == screening_v1::OUTCOME_REFER) {
    created.set_state(v1::PROGRAM_STATE_REFERRED);
    for (const screening_v1::RedFlag& flag : created.screening_result().red_flags()) {
      Refer(created, flag.rule(), flag.finding(), flag.refer_to(), today, created.screening());
    }
  } else {
    absl::StatusOr<scheduling_v1::WeeklyPlan> plan =
        early_plan.has_value() ? absl::StatusOr<scheduling_v1::WeeklyPlan>(*std::move(early_plan))
                               : PlanWeek(created, 1);
    if (!plan.ok()) return stored_or(plan.status());
    created.set_state(v1::PROGRAM_STATE_ACTIVE);
    created.set_week_index(1);
    *created.mutable_current_plan() = *std::move(plan);
  }
  // Asked before the programme is stored, so that no stored programme is
  // left out of the sweep; a programme that is never stored is forgotten by
  // the sweep's first look.
  if (created.state() == v1::PROGRAM_STATE_ACTIVE) {
    if (absl::Status swept = repository_.SweepFrom(key, now); !swept.ok()) return swept;
  }
  ChangeEvents events(created.name(), key.program_id, now);
  events.Enrolled(created);
  bool stored_now = false;
  absl::Status status = repository_.Create(key, now, created, events.ToOutbox(), program, &stored_now);
  if (status.ok() && stored_now) flow_->Enrolled(*program);
  return status;
}

absl::Status Programs::Get(const v1::GetProgramRequest& request, v1::Program* program) {
  absl::StatusOr<LoadedProgram> loaded = repository_.Load(request.name(), "name");
  if (!loaded.ok()) return loaded.status();
  MoveProgram(loaded->program, program);
  return absl::OkStatus();
}

absl::Status Programs::List(const v1::ListProgramsRequest& request, v1::ListProgramsResponse* response) {
  absl::StatusOr<std::vector<std::string>> parent =
      SplitResourceName(request.parent(), kPatientParentPattern, "parent");
  if (!parent.ok()) return parent.status();
  const std::string& patient_id = (*parent)[0];
  if (request.page_size() < 0) return InvalidField("page_size", "must not be negative");
  const int page_size = request.page_size() == 0 ? 25 : std::min(request.page_size(), 100);
  // A token carries the patient it was made for, so it cannot page another's.
  absl::StatusOr<std::string> cursor = PageCursor(request.page_token(), patient_id);
  if (!cursor.ok()) return cursor.status();
  // Listed without their plans (stored apart); GetProgram has the plan.
  absl::StatusOr<std::string> next_cursor =
      repository_.List(patient_id, page_size, *cursor, response->mutable_programs());
  if (!next_cursor.ok()) return next_cursor.status();
  response->set_next_page_token(MakePageToken(patient_id, *next_cursor));
  return absl::OkStatus();
}

absl::Status Programs::Resume(const v1::ResumeProgramRequest& request, v1::Program* program) {
  FieldViolations problems;
  problems.Include(CheckOpaqueId(request.request_id(), "request_id"));
  if (!IsOpaqueId(request.cleared_by())) problems.Add("cleared_by", "required: the clinician's opaque id");
  if (!request.has_clear_time() || request.clear_time().seconds() <= 0) problems.Add("clear_time", "required");
  if (request.note().size() > kMaxNoteLength) problems.Add("note", absl::StrCat("at most ", kMaxNoteLength, " characters"));
  if (absl::Status status = problems.ToStatus(); !status.ok()) return status;
  const auto same_clearance = [&](const v1::Resumption& resumption) {
    return resumption.cleared_by() == request.cleared_by() &&
           resumption.clear_time().seconds() == request.clear_time().seconds() &&
           resumption.clear_time().nanos() == request.clear_time().nanos();
  };
  return repository_.CommitWithRetry([&]() -> CommitOutcome {
    absl::StatusOr<LoadedProgram> loaded = repository_.Load(request.program(), "program");
    if (!loaded.ok()) return loaded.status();
    v1::Program& resumed = loaded->program;
    if (resumed.state() == v1::PROGRAM_STATE_ACTIVE) {
      // A retry of this clearance finds it recorded.
      if (!resumed.resumptions().empty() && same_clearance(*resumed.resumptions().rbegin())) {
        MoveProgram(resumed, program);
        return absl::OkStatus();
      }
      return absl::FailedPreconditionError("program: active; there is nothing to resume");
    }
    for (v1::Referral& referral : *resumed.mutable_referrals()) referral.set_resolved(true);
    v1::Resumption* resumption = resumed.add_resumptions();
    resumption->set_cleared_by(request.cleared_by());
    *resumption->mutable_clear_time() = request.clear_time();
    resumption->set_note(request.note());
    StoredProgram change;
    if (resumed.week_index() == 0) {
      absl::StatusOr<scheduling_v1::WeeklyPlan> plan = PlanWeek(resumed, 1);
      if (!plan.ok()) return plan.status();
      resumed.set_week_index(1);
      change.plan = plan->SerializeAsString();
      *resumed.mutable_current_plan() = *std::move(plan);
    }
    resumed.set_state(v1::PROGRAM_STATE_ACTIVE);
    change.program = ProgramRecordBytes(resumed);
    if (absl::Status swept = repository_.SweepFrom(loaded->key, now_()); !swept.ok()) return swept;
    ChangeEvents events(request.program(), IdOf(request.program(), absl::StrCat("resume\n", request.request_id())),
                        now_());
    events.Resumed(resumed, rules_->document().stop_rule_id());
    change.events = events.ToOutbox();
    absl::StatusOr<CommitResult> result =
        repository_.Commit(loaded->key, loaded->stored.program, change, std::nullopt, nullptr);
    if (!result.ok()) return result.status();
    current_weeks_.Forget(request.program());
    if (*result == CommitResult::kMissing) return absl::NotFoundError("program: no such programme");
    if (*result != CommitResult::kCommitted) return std::nullopt;
    flow_->Resumed();
    MoveProgram(resumed, program);
    return absl::OkStatus();
  });
}

}  // namespace osteoflow::progress

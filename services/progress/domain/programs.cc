#include "services/progress/domain/programs.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/digest/content_digest.h"
#include "common/status/field_violations.h"
#include "common/text/identifiers.h"
#include "services/progress/domain/progression.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

constexpr size_t kIdHexDigits = 20;
constexpr size_t kMaxNoteLength = 2000;
constexpr int kMaxItems = 50;
constexpr int kMaxSets = 10;
constexpr int kMaxCommitAttempts = 16;

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

struct ProgramKey {
  std::string patient_id;
  std::string program_id;
};

absl::StatusOr<ProgramKey> ParseProgramName(const std::string& name, const std::string& field) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "patients" || parts[2] != "programs" || !IsOpaqueId(parts[1]) ||
      !IsOpaqueId(parts[3])) {
    return InvalidField(field, name.empty() ? "required, \"patients/{patient_id}/programs/{program_id}\""
                                            : "want \"patients/{patient_id}/programs/{program_id}\"");
  }
  return ProgramKey{std::string(parts[1]), std::string(parts[3])};
}

void CheckRange(FieldViolations& problems, const std::string& field, int value, int low, int high) {
  if (value < low || value > high) problems.Add(field, absl::StrCat("must be ", low, "..", high, ", not ", value));
}

// Every check of a session log against the programme's current week.
absl::Status CheckSession(const v1::SessionLog& session, const scheduling_v1::WeeklyPlan& plan) {
  FieldViolations problems;
  absl::StatusOr<absl::CivilDay> date = CheckDate(session.date(), "session.date");
  if (!date.ok()) {
    problems.Include(date.status());
  } else if (plan.days_size() == 7) {
    absl::CivilDay first, last;
    ParseIsoDate(plan.days(0).date(), &first);
    ParseIsoDate(plan.days(6).date(), &last);
    if (*date < first || *date > last) {
      problems.Add("session.date", absl::StrCat("must be within the current week, ", Day(first), "..", Day(last)));
    }
  }
  absl::flat_hash_set<std::string> planned;
  for (const scheduling_v1::PlanDay& day : plan.days()) {
    for (const scheduling_v1::PlanSession& planned_session : day.sessions()) {
      for (const scheduling_v1::PlanItem& item : planned_session.items()) planned.insert(item.exercise());
    }
  }
  if (session.items_size() > kMaxItems) {
    problems.Add("session.items", absl::StrCat("at most ", kMaxItems, " entries"));
  } else {
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < session.items_size(); ++i) {
      const v1::ItemLog& item = session.items(i);
      const std::string at = absl::StrCat("session.items[", i, "]");
      if (!planned.contains(item.exercise())) {
        problems.Add(at + ".exercise", "not an exercise of this week's plan");
      } else if (!seen.insert(item.exercise()).second) {
        problems.Add(at + ".exercise", "logged twice in one session");
      }
      if (item.reps_per_set_size() > kMaxSets) {
        problems.Add(at + ".reps_per_set", absl::StrCat("at most ", kMaxSets, " sets"));
      } else {
        for (int s = 0; s < item.reps_per_set_size(); ++s) {
          CheckRange(problems, absl::StrCat(at, ".reps_per_set[", s, "]"), item.reps_per_set(s), 0, 100);
        }
      }
      if (!std::isfinite(item.load_kg()) || item.load_kg() < 0 || item.load_kg() > 500) {
        problems.Add(at + ".load_kg", "must be 0..500");
      }
      CheckRange(problems, at + ".minutes", item.minutes(), 0, 240);
      CheckRange(problems, at + ".impacts", item.impacts(), 0, 500);
      CheckRange(problems, at + ".effort", item.effort(), 0, 10);
      CheckRange(problems, at + ".pain", item.pain(), 0, 10);
    }
  }
  CheckRange(problems, "session.soreness.hours", session.soreness().hours(), 0, 336);
  absl::flat_hash_set<int> symptoms;
  for (int i = 0; i < session.symptoms_size(); ++i) {
    const int symptom = session.symptoms(i);
    if (symptom == v1::SESSION_SYMPTOM_UNSPECIFIED || !v1::SessionSymptom_IsValid(symptom) ||
        !symptoms.insert(symptom).second) {
      problems.Add(absl::StrCat("session.symptoms[", i, "]"), "unknown, unspecified or repeated");
    }
  }
  if (session.notes().size() > kMaxNoteLength) {
    problems.Add("session.notes", absl::StrCat("at most ", kMaxNoteLength, " characters"));
  }
  if (session.fall().injured() && !session.fall().fell()) {
    problems.Add("session.fall.injured", "set only with fell");
  }
  return problems.ToStatus();
}

v1::Alert MakeAlert(v1::AlertKind kind, const common::v1::RuleCitation& rule, std::string message,
                    const std::string& date) {
  v1::Alert alert;
  alert.set_kind(kind);
  *alert.mutable_rule() = rule;
  alert.set_message(std::move(message));
  alert.set_date(date);
  return alert;
}

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

}  // namespace

std::string ProgramName(absl::string_view patient_id, absl::string_view program_id) {
  return absl::StrCat("patients/", patient_id, "/programs/", program_id);
}

Programs::Programs(std::shared_ptr<ProgramStore> store, std::shared_ptr<ScreeningGateway> screening,
                   std::shared_ptr<PlanningGateway> planning, std::shared_ptr<const ProgressionRules> rules,
                   std::function<absl::Time()> now)
    : store_(std::move(store)),
      screening_(std::move(screening)),
      planning_(std::move(planning)),
      rules_(std::move(rules)),
      now_(std::move(now)) {}

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
  if (!IsOpaqueId(request.request_id())) {
    problems.Add("request_id", "required: 1-64 characters from A-Z a-z 0-9 . _ -");
  }
  if (!request.has_intake()) {
    problems.Add("intake", "required");
  } else if (!IsOpaqueId(request.intake().patient_id())) {
    problems.Add("intake.patient_id", "required: 1-64 characters from A-Z a-z 0-9 . _ -");
  }
  if (!request.has_preferences()) problems.Add("preferences", "required");
  if (absl::StatusOr<absl::CivilDay> start = CheckDate(request.start_date(), "start_date"); !start.ok()) {
    problems.Include(start.status());
  }
  if (absl::Status status = problems.ToStatus(); !status.ok()) return status;

  const std::string& patient_id = request.intake().patient_id();
  const std::string program_id = IdOf(patient_id, request.request_id());
  // A retry finds the programme the first attempt stored.
  absl::StatusOr<std::optional<std::string>> existing = store_->GetProgram(patient_id, program_id);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    if (!program->ParseFromString(**existing)) return absl::InternalError("stored programme is corrupt");
    return absl::OkStatus();
  }

  absl::StatusOr<screening_v1::Screening> screened =
      screening_->Screen(absl::StrCat("enrol-", IdOf("enrol", request.request_id())), request.intake());
  if (!screened.ok()) return screened.status();

  v1::Program created;
  created.set_name(ProgramName(patient_id, program_id));
  created.set_request_id(request.request_id());
  const absl::Time now = now_();
  SetTimestamp(now, created.mutable_create_time());
  created.set_screening(screened->name());
  *created.mutable_screening_result() = screened->result();
  *created.mutable_preferences() = request.preferences();
  created.set_start_date(request.start_date());
  const std::string today = Day(absl::ToCivilDay(now, absl::UTCTimeZone()));
  if (screened->result().outcome() == screening_v1::OUTCOME_REFER) {
    created.set_state(v1::PROGRAM_STATE_REFERRED);
    for (const screening_v1::RedFlag& flag : screened->result().red_flags()) {
      v1::Referral* referral = created.add_referrals();
      *referral->mutable_rule() = flag.rule();
      referral->set_reason(flag.finding());
      referral->set_refer_to(flag.refer_to());
      referral->set_raised_date(today);
      referral->set_raised_by(screened->name());
    }
  } else {
    absl::StatusOr<scheduling_v1::WeeklyPlan> plan = PlanWeek(created, 1);
    if (!plan.ok()) return plan.status();
    created.set_state(v1::PROGRAM_STATE_ACTIVE);
    created.set_week_index(1);
    *created.mutable_current_plan() = *std::move(plan);
  }
  std::string stored;
  absl::StatusOr<bool> saved =
      store_->CreateProgram(patient_id, program_id, Micros(now), created.SerializeAsString(), &stored);
  if (!saved.ok()) return saved.status();
  if (!program->ParseFromString(stored)) return absl::InternalError("stored programme is corrupt");
  return absl::OkStatus();
}

absl::StatusOr<Programs::Loaded> Programs::Load(const std::string& name, const std::string& field) {
  absl::StatusOr<ProgramKey> key = ParseProgramName(name, field);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::optional<std::string>> bytes = store_->GetProgram(key->patient_id, key->program_id);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return absl::NotFoundError(absl::StrCat(field, ": no programme ", name));
  Loaded loaded{key->patient_id, key->program_id, **std::move(bytes), {}};
  if (!loaded.program.ParseFromString(loaded.bytes)) return absl::InternalError("stored programme is corrupt");
  return loaded;
}

absl::Status Programs::Get(const v1::GetProgramRequest& request, v1::Program* program) {
  absl::StatusOr<Loaded> loaded = Load(request.name(), "name");
  if (!loaded.ok()) return loaded.status();
  *program = std::move(loaded->program);
  return absl::OkStatus();
}

absl::Status Programs::List(const v1::ListProgramsRequest& request, v1::ListProgramsResponse* response) {
  const std::vector<absl::string_view> parts = absl::StrSplit(request.parent(), '/');
  if (parts.size() != 2 || parts[0] != "patients" || !IsOpaqueId(parts[1])) {
    return InvalidField("parent", request.parent().empty() ? "required, \"patients/{patient_id}\""
                                                           : "want \"patients/{patient_id}\"");
  }
  const std::string patient_id(parts[1]);
  if (request.page_size() < 0) return InvalidField("page_size", "must not be negative");
  const int page_size = request.page_size() == 0 ? 25 : std::min(request.page_size(), 100);
  // A token carries the patient it was made for, so it cannot page another's.
  std::string cursor;
  if (!request.page_token().empty()) {
    std::string decoded;
    const size_t newline = absl::WebSafeBase64Unescape(request.page_token(), &decoded) ? decoded.find('\n')
                                                                                       : std::string::npos;
    if (newline == std::string::npos || decoded.substr(0, newline) != patient_id) {
      return InvalidField("page_token", "not a token of this listing");
    }
    cursor = decoded.substr(newline + 1);
  }
  absl::StatusOr<ProgramStore::ProgramPage> page = store_->ListPrograms(patient_id, page_size, cursor);
  if (!page.ok()) return page.status();
  for (const std::string& bytes : page->programs) {
    if (!response->add_programs()->ParseFromString(bytes)) return absl::InternalError("stored programme is corrupt");
  }
  if (!page->next_cursor.empty()) {
    response->set_next_page_token(absl::WebSafeBase64Escape(absl::StrCat(patient_id, "\n", page->next_cursor)));
  }
  return absl::OkStatus();
}

absl::Status Programs::LogSession(const v1::LogSessionRequest& request, v1::SessionLog* log) {
  if (!IsOpaqueId(request.request_id())) {
    return InvalidField("request_id", "required: 1-64 characters from A-Z a-z 0-9 . _ -");
  }
  if (!request.has_session()) return InvalidField("session", "required");
  const v1::ProgressionRulesDocument& rules = rules_->document();
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    absl::StatusOr<Loaded> loaded = Load(request.program(), "program");
    if (!loaded.ok()) return loaded.status();
    v1::Program& program = loaded->program;
    const std::string session_id = IdOf(request.program(), request.request_id());
    if (program.state() != v1::PROGRAM_STATE_ACTIVE) {
      // A retry of the log that paused the programme gets that log, with its
      // alerts, back; a new log waits for a clinician's clearance.
      absl::StatusOr<std::optional<std::string>> stored =
          store_->GetRecord(loaded->patient_id, loaded->program_id, RecordKind::kSession, session_id);
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) {
        if (!log->ParseFromString(**stored)) return absl::InternalError("stored session log is corrupt");
        return absl::OkStatus();
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "program: ", v1::ProgramState_Name(program.state()),
          "; sessions are logged again once a clinician's clearance resumes it"));
    }
    if (absl::Status valid = CheckSession(request.session(), program.current_plan()); !valid.ok()) return valid;

    v1::SessionLog stored_log = request.session();
    stored_log.set_name(absl::StrCat(request.program(), "/sessions/", session_id));
    stored_log.set_request_id(request.request_id());
    stored_log.set_week_index(program.week_index());
    stored_log.clear_alerts();
    SetTimestamp(now_(), stored_log.mutable_create_time());

    // PROG-STOP: every red flag and a fall pause the programme with a referral.
    bool stop = false;
    for (const int symptom : request.session().symptoms()) {
      for (const v1::SessionRedFlag& flag : rules.session_red_flags()) {
        if (flag.symptom() != symptom) continue;
        stop = true;
        const common::v1::RuleCitation& rule = rules_->Citation(flag.rule_id());
        *stored_log.add_alerts() = MakeAlert(v1::ALERT_KIND_RED_FLAG, rule, flag.finding(), stored_log.date());
        v1::Referral* referral = program.add_referrals();
        *referral->mutable_rule() = rule;
        referral->set_reason(flag.finding());
        referral->set_refer_to(flag.refer_to());
        referral->set_raised_date(stored_log.date());
        referral->set_raised_by(stored_log.name());
      }
    }
    if (request.session().fall().fell()) {
      stop = true;
      const std::string what = request.session().fall().injured() ? "a fall with injury" : "a fall";
      *stored_log.add_alerts() =
          MakeAlert(v1::ALERT_KIND_FALL, rules_->Citation(rules.stop_rule_id()), what, stored_log.date());
      v1::Referral* referral = program.add_referrals();
      *referral->mutable_rule() = rules_->Citation(rules.stop_rule_id());
      referral->set_reason(what);
      referral->set_refer_to(rules.fall_refer_to());
      referral->set_raised_date(stored_log.date());
      referral->set_raised_by(stored_log.name());
      *program.add_rescreen_reasons() =
          MakeAlert(v1::ALERT_KIND_RESCREEN, rules_->Citation(rules.fall_rule_id()),
                    "a fall was reported: screen again, with the fall-risk flag", stored_log.date());
    }
    std::string new_program;
    if (stop) {
      program.set_state(v1::PROGRAM_STATE_PAUSED);
      *stored_log.add_alerts() = MakeAlert(v1::ALERT_KIND_REFERRAL, rules_->Citation(rules.stop_rule_id()),
                                           "programme paused until a clinician's clearance", stored_log.date());
      new_program = program.SerializeAsString();
    }
    absl::CivilDay date;
    ParseIsoDate(stored_log.date(), &date);
    NewRecord record{RecordKind::kSession, session_id, stored_log.SerializeAsString(),
                     (date - absl::CivilDay(2000, 1, 1)) * 1000000 + Micros(now_()) % 1000000};
    std::string stored_record;
    const absl::StatusOr<CommitResult> result = store_->Commit(
        loaded->patient_id, loaded->program_id, loaded->bytes, new_program, record, &stored_record);
    // On a conflict the programme changed meanwhile: read it again.
    if (std::optional<absl::Status> done = Settle(result, stored_log, stored_record, request.program(), log)) {
      return *done;
    }
  }
  return absl::AbortedError("program: changed by other calls throughout; retry with the same request_id");
}

absl::Status Programs::AdvanceWeek(const v1::AdvanceWeekRequest& request, v1::Program* program) {
  if (!IsOpaqueId(request.request_id())) {
    return InvalidField("request_id", "required: 1-64 characters from A-Z a-z 0-9 . _ -");
  }
  constexpr int kMaxLogsRead = 10000;
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    absl::StatusOr<Loaded> loaded = Load(request.program(), "program");
    if (!loaded.ok()) return loaded.status();
    v1::Program& advanced = loaded->program;
    const std::string week_id = IdOf(request.program(), absl::StrCat("advance\n", request.request_id()));
    if (advanced.state() != v1::PROGRAM_STATE_ACTIVE) {
      return absl::FailedPreconditionError(absl::StrCat(
          "program: ", v1::ProgramState_Name(advanced.state()),
          "; a week advances once a clinician's clearance resumes it"));
    }
    absl::StatusOr<std::vector<std::string>> records =
        store_->Records(loaded->patient_id, loaded->program_id, RecordKind::kSession, kMaxLogsRead);
    if (!records.ok()) return records.status();
    std::vector<v1::SessionLog> logs;
    for (const std::string& bytes : *records) {
      v1::SessionLog log;
      if (!log.ParseFromString(bytes)) return absl::InternalError("stored session log is corrupt");
      if (log.week_index() == advanced.week_index()) logs.push_back(std::move(log));
    }
    const int next_week = advanced.week_index() + 1;
    WeekProgression progression =
        ProgressWeek(advanced.current_plan(), logs, advanced.progression(), *rules_, next_week);
    v1::ProgramWeek finished;
    finished.set_week_index(advanced.week_index());
    *finished.mutable_plan() = advanced.current_plan();
    for (v1::ProgressionDecision& decision : progression.decisions) *finished.add_decisions() = std::move(decision);
    advanced.clear_progression();
    for (scheduling_v1::ExerciseProgression& entry : progression.next) *advanced.add_progression() = std::move(entry);
    absl::StatusOr<scheduling_v1::WeeklyPlan> plan = PlanWeek(advanced, next_week);
    if (!plan.ok()) return plan.status();
    advanced.set_week_index(next_week);
    *advanced.mutable_current_plan() = *std::move(plan);
    NewRecord record{RecordKind::kWeek, week_id, finished.SerializeAsString(), finished.week_index()};
    absl::StatusOr<CommitResult> result = store_->Commit(loaded->patient_id, loaded->program_id, loaded->bytes,
                                                         advanced.SerializeAsString(), record, nullptr);
    if (!result.ok()) return result.status();
    switch (*result) {
      case CommitResult::kCommitted:
        *program = std::move(advanced);
        return absl::OkStatus();
      case CommitResult::kAlreadyStored: {
        // A retry: the week was advanced by the first attempt.
        absl::StatusOr<Loaded> current = Load(request.program(), "program");
        if (!current.ok()) return current.status();
        *program = std::move(current->program);
        return absl::OkStatus();
      }
      case CommitResult::kMissing:
        return absl::NotFoundError(absl::StrCat("program: no programme ", request.program()));
      case CommitResult::kConflict:
        continue;
    }
  }
  return absl::AbortedError("program: changed by other calls throughout; retry with the same request_id");
}

absl::Status Programs::Resume(const v1::ResumeProgramRequest& request, v1::Program* program) {
  FieldViolations problems;
  if (!IsOpaqueId(request.request_id())) problems.Add("request_id", "required: 1-64 characters from A-Z a-z 0-9 . _ -");
  if (!IsOpaqueId(request.cleared_by())) problems.Add("cleared_by", "required: the clinician's opaque id");
  if (!request.has_clear_time() || request.clear_time().seconds() <= 0) problems.Add("clear_time", "required");
  if (request.note().size() > kMaxNoteLength) problems.Add("note", absl::StrCat("at most ", kMaxNoteLength, " characters"));
  if (absl::Status status = problems.ToStatus(); !status.ok()) return status;
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    absl::StatusOr<Loaded> loaded = Load(request.program(), "program");
    if (!loaded.ok()) return loaded.status();
    v1::Program& resumed = loaded->program;
    const auto same_clearance = [&](const v1::Resumption& resumption) {
      return resumption.cleared_by() == request.cleared_by() &&
             resumption.clear_time().seconds() == request.clear_time().seconds() &&
             resumption.clear_time().nanos() == request.clear_time().nanos();
    };
    if (resumed.state() == v1::PROGRAM_STATE_ACTIVE) {
      // A retry of this clearance finds it recorded.
      if (!resumed.resumptions().empty() && same_clearance(*resumed.resumptions().rbegin())) {
        *program = std::move(resumed);
        return absl::OkStatus();
      }
      return absl::FailedPreconditionError("program: active; there is nothing to resume");
    }
    for (v1::Referral& referral : *resumed.mutable_referrals()) referral.set_resolved(true);
    v1::Resumption* resumption = resumed.add_resumptions();
    resumption->set_cleared_by(request.cleared_by());
    *resumption->mutable_clear_time() = request.clear_time();
    resumption->set_note(request.note());
    if (resumed.week_index() == 0) {
      absl::StatusOr<scheduling_v1::WeeklyPlan> plan = PlanWeek(resumed, 1);
      if (!plan.ok()) return plan.status();
      resumed.set_week_index(1);
      *resumed.mutable_current_plan() = *std::move(plan);
    }
    resumed.set_state(v1::PROGRAM_STATE_ACTIVE);
    absl::StatusOr<CommitResult> result = store_->Commit(loaded->patient_id, loaded->program_id, loaded->bytes,
                                                         resumed.SerializeAsString(), std::nullopt, nullptr);
    if (!result.ok()) return result.status();
    if (*result == CommitResult::kMissing) return absl::NotFoundError("program: no such programme");
    if (*result == CommitResult::kCommitted) {
      *program = std::move(resumed);
      return absl::OkStatus();
    }
  }
  return absl::AbortedError("program: changed by other calls throughout; retry with the same request_id");
}

}  // namespace osteoflow::progress

namespace osteoflow::progress {
namespace {

absl::Status CheckMeasurement(const v1::Measurement& measurement, const std::string& start_date) {
  FieldViolations problems;
  absl::StatusOr<absl::CivilDay> date = CheckDate(measurement.date(), "measurement.date");
  if (!date.ok()) {
    problems.Include(date.status());
  } else if (measurement.date() < start_date) {
    problems.Add("measurement.date", absl::StrCat("must not be before the programme's start, ", start_date));
  }
  const bool has_dxa = measurement.has_dxa();
  if (has_dxa) {
    if (!CheckDate(measurement.dxa().scan_date(), "measurement.dxa.scan_date").ok()) {
      problems.Add("measurement.dxa.scan_date", "required, YYYY-MM-DD");
    }
    const int sites = measurement.dxa().sites_size();
    if (sites < 1 || sites > 4) problems.Add("measurement.dxa.sites", "give 1 to 4 sites");
    for (int i = 0; i < sites && i < 4; ++i) {
      const screening_v1::DxaSiteResult& site = measurement.dxa().sites(i);
      const std::string at = absl::StrCat("measurement.dxa.sites[", i, "]");
      if (site.site() == screening_v1::SKELETAL_SITE_UNSPECIFIED || !screening_v1::SkeletalSite_IsValid(site.site())) {
        problems.Add(at + ".site", "required");
      }
      if (site.has_t_score() && !(site.t_score() >= -8 && site.t_score() <= 8)) problems.Add(at + ".t_score", "must be -8.0..8.0");
      if (site.has_z_score() && !(site.z_score() >= -8 && site.z_score() <= 8)) problems.Add(at + ".z_score", "must be -8.0..8.0");
    }
  }
  if (measurement.has_height_cm() && !(measurement.height_cm() >= 100 && measurement.height_cm() <= 230)) {
    problems.Add("measurement.height_cm", "must be 100.0..230.0");
  }
  if (measurement.has_weight_kg() && !(measurement.weight_kg() >= 25 && measurement.weight_kg() <= 300)) {
    problems.Add("measurement.weight_kg", "must be 25.0..300.0");
  }
  const screening_v1::FunctionalTests& tests = measurement.functional_tests();
  if (tests.has_timed_up_and_go_seconds() &&
      !(tests.timed_up_and_go_seconds() >= 3 && tests.timed_up_and_go_seconds() <= 300)) {
    problems.Add("measurement.functional_tests.timed_up_and_go_seconds", "must be 3.0..300.0");
  }
  if (tests.has_tandem_stance_seconds() && !(tests.tandem_stance_seconds() >= 0 && tests.tandem_stance_seconds() <= 300)) {
    problems.Add("measurement.functional_tests.tandem_stance_seconds", "must be 0.0..300.0");
  }
  if (tests.has_chair_stands_30_seconds() &&
      (tests.chair_stands_30_seconds() < 0 || tests.chair_stands_30_seconds() > 60)) {
    problems.Add("measurement.functional_tests.chair_stands_30_seconds", "must be 0..60");
  }
  if (!has_dxa && !measurement.has_height_cm() && !measurement.has_weight_kg() && !measurement.has_functional_tests()) {
    problems.Add("measurement", "give a scan, a height, a weight or a functional test");
  }
  return problems.ToStatus();
}

}  // namespace

absl::Status Programs::RecordMeasurement(const v1::RecordMeasurementRequest& request, v1::Measurement* measurement) {
  if (!IsOpaqueId(request.request_id())) {
    return InvalidField("request_id", "required: 1-64 characters from A-Z a-z 0-9 . _ -");
  }
  if (!request.has_measurement()) return InvalidField("measurement", "required");
  const v1::ProgressionRulesDocument& rules = rules_->document();
  constexpr int kMaxRead = 10000;
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    absl::StatusOr<Loaded> loaded = Load(request.program(), "program");
    if (!loaded.ok()) return loaded.status();
    v1::Program& program = loaded->program;
    if (absl::Status valid = CheckMeasurement(request.measurement(), program.start_date()); !valid.ok()) return valid;
    absl::StatusOr<std::vector<std::string>> earlier =
        store_->Records(loaded->patient_id, loaded->program_id, RecordKind::kMeasurement, kMaxRead);
    if (!earlier.ok()) return earlier.status();
    std::optional<double> first_height;
    std::string first_height_date;
    for (const std::string& bytes : *earlier) {
      v1::Measurement old;
      if (!old.ParseFromString(bytes)) return absl::InternalError("stored measurement is corrupt");
      if (old.has_height_cm() && (!first_height.has_value() || old.date() < first_height_date)) {
        first_height = old.height_cm();
        first_height_date = old.date();
      }
    }
    const std::string id = IdOf(request.program(), absl::StrCat("measure\n", request.request_id()));
    v1::Measurement stored = request.measurement();
    stored.set_name(absl::StrCat(request.program(), "/measurements/", id));
    stored.set_request_id(request.request_id());
    stored.clear_alerts();
    SetTimestamp(now_(), stored.mutable_create_time());
    std::string new_program;
    const double loss = first_height.has_value() && stored.has_height_cm() ? *first_height - stored.height_cm() : 0;
    if (loss > rules.height_loss_cm()) {
      const common::v1::RuleCitation& rule = rules_->Citation(rules.height_rule_id());
      const std::string what = absl::StrFormat("height loss of %.1f cm since %s", loss, first_height_date);
      *stored.add_alerts() = MakeAlert(v1::ALERT_KIND_RED_FLAG, rule, what, stored.date());
      v1::Referral* referral = program.add_referrals();
      *referral->mutable_rule() = rule;
      referral->set_reason(what);
      referral->set_refer_to(rules.height_refer_to());
      referral->set_raised_date(stored.date());
      referral->set_raised_by(stored.name());
      if (program.state() == v1::PROGRAM_STATE_ACTIVE) program.set_state(v1::PROGRAM_STATE_PAUSED);
      *stored.add_alerts() = MakeAlert(v1::ALERT_KIND_REFERRAL, rules_->Citation(rules.stop_rule_id()),
                                       "programme paused until a clinician's clearance", stored.date());
    }
    if (stored.has_dxa()) {
      const v1::Alert rescreen = MakeAlert(v1::ALERT_KIND_RESCREEN, rules_->Citation(rules.rescreen_dxa_rule_id()),
                                           "a new densitometry result: screen again", stored.date());
      *stored.add_alerts() = rescreen;
      *program.add_rescreen_reasons() = rescreen;
    }
    if (!stored.alerts().empty()) new_program = program.SerializeAsString();
    absl::CivilDay date;
    ParseIsoDate(stored.date(), &date);
    NewRecord record{RecordKind::kMeasurement, id, stored.SerializeAsString(),
                     (date - absl::CivilDay(2000, 1, 1)) * 1000000 + Micros(now_()) % 1000000};
    std::string stored_record;
    const absl::StatusOr<CommitResult> result = store_->Commit(
        loaded->patient_id, loaded->program_id, loaded->bytes, new_program, record, &stored_record);
    if (std::optional<absl::Status> done = Settle(result, stored, stored_record, request.program(), measurement)) {
      return *done;
    }
  }
  return absl::AbortedError("program: changed by other calls throughout; retry with the same request_id");
}

namespace {

// One week's plan against its logs.
v1::WeekProgress WeekOf(const scheduling_v1::WeeklyPlan& plan, int week_index,
                        const std::vector<const v1::SessionLog*>& logs, int soreness_hours) {
  v1::WeekProgress week;
  week.set_week_index(week_index);
  week.set_start_date(plan.week_start_date());
  *week.mutable_planned_totals() = plan.totals();
  std::map<int, v1::ComponentAdherence> by_component;
  std::map<std::string, int> component_of;
  for (const scheduling_v1::PlanDay& day : plan.days()) {
    for (const scheduling_v1::PlanSession& session : day.sessions()) {
      for (const scheduling_v1::PlanItem& item : session.items()) {
        v1::ComponentAdherence& adherence = by_component[item.component()];
        adherence.set_component(item.component());
        adherence.set_planned_items(adherence.planned_items() + 1);
        adherence.set_planned_minutes(adherence.planned_minutes() + item.minutes());
        adherence.set_planned_impacts(adherence.planned_impacts() + item.dose().impacts());
        component_of[item.exercise()] = item.component();
      }
    }
  }
  int pain_sum = 0, effort_sum = 0, items = 0;
  for (const v1::SessionLog* log : logs) {
    week.set_sessions_logged(week.sessions_logged() + 1);
    if (log->soreness().present() && log->soreness().hours() > soreness_hours) {
      week.set_long_soreness_sessions(week.long_soreness_sessions() + 1);
    }
    for (const v1::ItemLog& item : log->items()) {
      ++items;
      pain_sum += item.pain();
      effort_sum += item.effort();
      week.set_max_pain(std::max(week.max_pain(), item.pain()));
      auto component = component_of.find(item.exercise());
      if (component == component_of.end()) continue;
      v1::ComponentAdherence& adherence = by_component[component->second];
      adherence.set_done_items(adherence.done_items() + 1);
      adherence.set_done_minutes(adherence.done_minutes() + item.minutes());
      adherence.set_done_impacts(adherence.done_impacts() + item.impacts());
    }
  }
  if (items > 0) {
    week.set_mean_pain(static_cast<double>(pain_sum) / items);
    week.set_mean_effort(static_cast<double>(effort_sum) / items);
  }
  for (auto& [component, adherence] : by_component) *week.add_adherence() = std::move(adherence);
  return week;
}

}  // namespace

absl::Status Programs::GetProgress(const v1::GetProgressRequest& request, v1::ProgressReport* report) {
  absl::StatusOr<Loaded> loaded = Load(request.program(), "program");
  if (!loaded.ok()) return loaded.status();
  constexpr int kMaxRead = 10000;
  const v1::Program& program = loaded->program;
  auto read = [&](RecordKind kind) {
    return store_->Records(loaded->patient_id, loaded->program_id, kind, kMaxRead);
  };
  absl::StatusOr<std::vector<std::string>> weeks = read(RecordKind::kWeek);
  if (!weeks.ok()) return weeks.status();
  absl::StatusOr<std::vector<std::string>> sessions = read(RecordKind::kSession);
  if (!sessions.ok()) return sessions.status();
  absl::StatusOr<std::vector<std::string>> measurements = read(RecordKind::kMeasurement);
  if (!measurements.ok()) return measurements.status();

  std::vector<v1::SessionLog> logs(sessions->size());
  std::map<int, std::vector<const v1::SessionLog*>> logs_by_week;
  for (size_t i = 0; i < sessions->size(); ++i) {
    if (!logs[i].ParseFromString((*sessions)[i])) return absl::InternalError("stored session log is corrupt");
    logs_by_week[logs[i].week_index()].push_back(&logs[i]);
  }
  report->set_program(program.name());
  const int soreness_hours = rules_->document().comfort().soreness_hours();
  std::vector<v1::ProgramWeek> finished(weeks->size());
  for (size_t i = 0; i < weeks->size(); ++i) {
    if (!finished[i].ParseFromString((*weeks)[i])) return absl::InternalError("stored week is corrupt");
  }
  std::sort(finished.begin(), finished.end(),
            [](const v1::ProgramWeek& a, const v1::ProgramWeek& b) { return a.week_index() < b.week_index(); });
  for (const v1::ProgramWeek& week : finished) {
    *report->add_weeks() = WeekOf(week.plan(), week.week_index(), logs_by_week[week.week_index()], soreness_hours);
    for (const v1::ProgressionDecision& decision : week.decisions()) *report->add_decisions() = decision;
  }
  if (program.week_index() > 0) {
    *report->add_weeks() =
        WeekOf(program.current_plan(), program.week_index(), logs_by_week[program.week_index()], soreness_hours);
  }
  for (const v1::SessionLog& log : logs) {
    for (const v1::Alert& alert : log.alerts()) *report->add_alerts() = alert;
  }
  for (const std::string& bytes : *measurements) {
    v1::Measurement measurement;
    if (!measurement.ParseFromString(bytes)) return absl::InternalError("stored measurement is corrupt");
    for (const v1::Alert& alert : measurement.alerts()) *report->add_alerts() = alert;
    for (const screening_v1::DxaSiteResult& site : measurement.dxa().sites()) {
      v1::BoneDensityPoint* point = report->add_bone_density();
      point->set_date(measurement.dxa().scan_date());
      point->set_site(site.site());
      if (site.has_t_score()) point->set_t_score(site.t_score());
      if (site.has_z_score()) point->set_z_score(site.z_score());
    }
  }
  std::stable_sort(report->mutable_alerts()->begin(), report->mutable_alerts()->end(),
                   [](const v1::Alert& a, const v1::Alert& b) { return a.date() < b.date(); });
  std::stable_sort(report->mutable_bone_density()->begin(), report->mutable_bone_density()->end(),
                   [](const v1::BoneDensityPoint& a, const v1::BoneDensityPoint& b) { return a.date() < b.date(); });
  *report->mutable_current_doses() = program.progression();
  return absl::OkStatus();
}

}  // namespace osteoflow::progress

// Programs::LogSession: a session log checked against the current week and
// stored; a red flag or a fall pauses the programme (PROG-STOP).
#include <cmath>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"
#include "common/text/identifiers.h"
#include "services/progress/domain/alerts.h"
#include "services/progress/domain/program_events.h"
#include "services/progress/domain/programs.h"
#include "services/progress/domain/record_dates.h"
#include "services/progress/domain/record_ids.h"
#include "services/progress/domain/request_checks.h"
#include "services/progress/encoding/program_wire.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;

constexpr int kMaxItems = 50;
constexpr int kMaxSets = 10;

void CheckRange(FieldViolations& problems, const std::string& field, int value, int low, int high) {
  if (value < low || value > high) problems.Add(field, absl::StrCat("must be ", low, "..", high, ", not ", value));
}

// Every check of a session log against the programme's current week.
absl::Status CheckSession(const v1::SessionLog& session, const CurrentWeek& week, absl::Time now) {
  FieldViolations problems;
  absl::StatusOr<absl::CivilDay> date = CheckDate(session.date(), "session.date");
  if (!date.ok()) {
    problems.Include(date.status());
  } else if (*date < week.first_day || *date > week.last_day) {
    problems.Add("session.date",
                 absl::StrCat("must be within the current week, ", Day(week.first_day), "..", Day(week.last_day)));
  } else {
    // A log says what was done: a session cannot have been done yet.
    CheckNotAhead(problems, *date, now, "session.date");
  }
  if (session.items_size() > kMaxItems) {
    problems.Add("session.items", absl::StrCat("at most ", kMaxItems, " entries"));
  } else {
    absl::flat_hash_set<absl::string_view> seen;
    for (int i = 0; i < session.items_size(); ++i) {
      const v1::ItemLog& item = session.items(i);
      const std::string at = absl::StrCat("session.items[", i, "]");
      if (!week.planned_exercises.contains(item.exercise())) {
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
      problems.Include(CheckBandLevel(item.band_level(), at + ".band_level"));
      if (item.band_level() != common::v1::BAND_LEVEL_UNSPECIFIED && item.load_kg() > 0) {
        problems.Add(at + ".band_level", "a band has no load in kg: give load_kg or band_level, not both");
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

}  // namespace

absl::Status Programs::LogSession(const v1::LogSessionRequest& request, v1::SessionLog* log) {
  if (absl::Status valid = CheckOpaqueId(request.request_id(), "request_id"); !valid.ok()) return valid;
  if (!request.has_session()) return InvalidField("session", "required");
  absl::StatusOr<ProgramKey> key = ParseProgramName(request.program(), "program");
  if (!key.ok()) return key.status();
  const v1::ProgressionRulesDocument& rules = rules_->document();
  const std::string session_id = IdOf(request.program(), request.request_id());
  return repository_.CommitWithRetry([&]() -> CommitOutcome {
    // Usually the week is known from an earlier log; otherwise read it.
    std::shared_ptr<const CurrentWeek> week = current_weeks_.Find(request.program());
    std::optional<LoadedProgram> loaded;
    if (week == nullptr) {
      absl::StatusOr<LoadedProgram> read = repository_.Load(request.program(), "program");
      if (!read.ok()) return read.status();
      if (read->program.state() != v1::PROGRAM_STATE_ACTIVE) {
        // A retry of the log that paused the programme gets that log, with
        // its alerts, back; a new log waits for a clinician's clearance.
        absl::StatusOr<bool> found = repository_.FindSessionLog(*key, session_id, log);
        if (!found.ok() || *found) return found.status();
        return absl::FailedPreconditionError(absl::StrCat(
            "program: ", v1::ProgramState_Name(read->program.state()),
            "; sessions are logged again once a clinician's clearance resumes it"));
      }
      week = CurrentWeekOf(read->key, read->stored.program, read->program);
      if (week == nullptr) return absl::InternalError("stored programme has no plan for its week");
      current_weeks_.Keep(request.program(), week);
      loaded = *std::move(read);
    }
    if (absl::Status valid = CheckSession(request.session(), *week, now_()); !valid.ok()) {
      // A retry of a log stored before the week moved on gets it back.
      absl::StatusOr<bool> found = repository_.FindSessionLog(*key, session_id, log);
      if (!found.ok() || *found) return found.status();
      return valid;
    }

    v1::SessionLog stored_log = request.session();
    stored_log.set_name(absl::StrCat(request.program(), "/sessions/", session_id));
    stored_log.set_request_id(request.request_id());
    stored_log.set_week_index(week->week_index);
    stored_log.clear_alerts();
    const absl::Time now = now_();
    SetTimestamp(now, stored_log.mutable_create_time());

    // PROG-STOP: every red flag and a fall pause the programme with a
    // referral. Only then is the programme itself read and changed.
    const bool fell = request.session().fall().fell();
    bool stop = fell;
    for (const int symptom : request.session().symptoms()) {
      for (const v1::SessionRedFlag& flag : rules.session_red_flags()) stop = stop || flag.symptom() == symptom;
    }
    StoredProgram change;
    std::optional<v1::Alert> rescreen;
    if (stop) {
      if (!loaded.has_value()) {
        absl::StatusOr<LoadedProgram> read = repository_.Load(request.program(), "program");
        if (!read.ok()) return read.status();
        loaded = *std::move(read);
      }
      v1::Program& program = loaded->program;
      for (const int symptom : request.session().symptoms()) {
        for (const v1::SessionRedFlag& flag : rules.session_red_flags()) {
          if (flag.symptom() != symptom) continue;
          const common::v1::RuleCitation& rule = rules_->Citation(flag.rule_id());
          *stored_log.add_alerts() = MakeAlert(v1::ALERT_KIND_RED_FLAG, rule, flag.finding(), stored_log.date());
          Refer(program, rule, flag.finding(), flag.refer_to(), stored_log.date(), stored_log.name());
        }
      }
      if (fell) {
        const std::string what = request.session().fall().injured() ? "a fall with injury" : "a fall";
        const common::v1::RuleCitation& rule = rules_->Citation(rules.stop_rule_id());
        *stored_log.add_alerts() = MakeAlert(v1::ALERT_KIND_FALL, rule, what, stored_log.date());
        Refer(program, rule, what, rules.fall_refer_to(), stored_log.date(), stored_log.name());
        rescreen = MakeAlert(v1::ALERT_KIND_RESCREEN, rules_->Citation(rules.fall_rule_id()),
                             "a fall was reported: screen again, with the fall-risk flag", stored_log.date());
        AskToRescreen(program, *rescreen);
      }
      program.set_state(v1::PROGRAM_STATE_PAUSED);
      *stored_log.add_alerts() = PausedUntilClearance(rules_->Citation(rules.stop_rule_id()), stored_log.date());
      change.program = ProgramRecordBytes(program);
    }
    ChangeEvents events(request.program(), session_id, now);
    events.SessionLogged(stored_log, stop ? v1::PROGRAM_STATE_PAUSED : v1::PROGRAM_STATE_ACTIVE,
                         rules.comfort().reduce_pain());
    if (rescreen.has_value()) events.RescreenAsked(*rescreen, stored_log.name(), v1::PROGRAM_STATE_PAUSED, week->week_index);
    change.events = events.ToOutbox();
    absl::CivilDay date;
    ParseIsoDate(stored_log.date(), &date);
    const v1::RecordLimits& limits = rules.record_limits();
    const NewRecord record{RecordKind::kSession,
                           session_id,
                           stored_log.SerializeAsString(),
                           DatedOrder(date, now),
                           {{DatedOrders(date, date), limits.session_logs_per_day()},
                            {DatedOrders(week->first_day, week->last_day), limits.session_logs_per_week()}}};
    std::string stored_record;
    // The programme read for a stop may be newer than the week checked
    // against: expecting the week's record makes that a conflict, read again.
    const absl::StatusOr<CommitResult> result =
        repository_.Commit(week->key, week->program_record, change, record, &stored_record);
    if (!result.ok() || *result == CommitResult::kConflict || stop) current_weeks_.Forget(request.program());
    if (result.ok() && *result == CommitResult::kQuotaReached) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "session.date: at most ", limits.session_logs_per_day(), " session logs a day and ",
          limits.session_logs_per_week(), " a week (progression rules, record_limits); ", stored_log.date(),
          " or its week has them"));
    }
    if (result.ok() && *result == CommitResult::kCommitted) flow_->SessionLogged(stored_log);
    return Settle(result, stored_log, stored_record, request.program(), log);
  });
}

}  // namespace osteoflow::progress

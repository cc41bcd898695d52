// Programs::RecordMeasurement: densitometry, height, weight and functional
// tests over time; a height loss beyond the threshold is RF-HEIGHT, a new scan
// asks for a new screening.
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
namespace screening_v1 = osteoflow::screening::v1;

absl::Status CheckMeasurement(const v1::Measurement& measurement, const std::string& start_date, absl::Time now) {
  FieldViolations problems;
  absl::StatusOr<absl::CivilDay> date = CheckDate(measurement.date(), "measurement.date");
  if (!date.ok()) {
    problems.Include(date.status());
  } else if (measurement.date() < start_date) {
    problems.Add("measurement.date", absl::StrCat("must not be before the programme's start, ", start_date));
  } else {
    CheckNotAhead(problems, *date, now, "measurement.date");
  }
  const bool has_dxa = measurement.has_dxa();
  if (has_dxa) {
    if (absl::StatusOr<absl::CivilDay> scanned = CheckDate(measurement.dxa().scan_date(), "measurement.dxa.scan_date");
        !scanned.ok()) {
      problems.Add("measurement.dxa.scan_date", "required, YYYY-MM-DD");
    } else {
      CheckNotAhead(problems, *scanned, now, "measurement.dxa.scan_date");
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
  if (absl::Status valid = CheckOpaqueId(request.request_id(), "request_id"); !valid.ok()) return valid;
  if (!request.has_measurement()) return InvalidField("measurement", "required");
  const v1::ProgressionRulesDocument& rules = rules_->document();
  return repository_.CommitWithRetry([&]() -> CommitOutcome {
    absl::StatusOr<LoadedProgram> loaded = repository_.Load(request.program(), "program");
    if (!loaded.ok()) return loaded.status();
    v1::Program& program = loaded->program;
    if (absl::Status valid = CheckMeasurement(request.measurement(), program.start_date(), now_()); !valid.ok()) return valid;
    absl::StatusOr<std::vector<v1::Measurement>> earlier = repository_.Measurements(loaded->key);
    if (!earlier.ok()) return earlier.status();
    std::optional<double> first_height;
    std::string first_height_date;
    for (const v1::Measurement& old : *earlier) {
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
    StoredProgram change;
    const double loss = first_height.has_value() && stored.has_height_cm() ? *first_height - stored.height_cm() : 0;
    if (loss > rules.height_loss_cm()) {
      const common::v1::RuleCitation& rule = rules_->Citation(rules.height_rule_id());
      const std::string what = absl::StrFormat("height loss of %.1f cm since %s", loss, first_height_date);
      *stored.add_alerts() = MakeAlert(v1::ALERT_KIND_RED_FLAG, rule, what, stored.date());
      Refer(program, rule, what, rules.height_refer_to(), stored.date(), stored.name());
      if (program.state() == v1::PROGRAM_STATE_ACTIVE) program.set_state(v1::PROGRAM_STATE_PAUSED);
      *stored.add_alerts() = PausedUntilClearance(rules_->Citation(rules.stop_rule_id()), stored.date());
    }
    if (stored.has_dxa()) {
      const v1::Alert rescreen = MakeAlert(v1::ALERT_KIND_RESCREEN, rules_->Citation(rules.rescreen_dxa_rule_id()),
                                           "a new densitometry result: screen again", stored.date());
      *stored.add_alerts() = rescreen;
      AskToRescreen(program, rescreen);
    }
    if (!stored.alerts().empty()) change.program = ProgramRecordBytes(program);
    ChangeEvents events(request.program(), id, now_());
    events.MeasurementRecorded(stored, program.state());
    change.events = events.ToOutbox();
    absl::CivilDay date;
    ParseIsoDate(stored.date(), &date);
    absl::CivilDay start;
    ParseIsoDate(program.start_date(), &start);
    const absl::CivilDay week_start = start + (date - start) / 7 * 7;
    const int per_week = rules.record_limits().measurements_per_week();
    const NewRecord record{RecordKind::kMeasurement, id, stored.SerializeAsString(), DatedOrder(date, now_()),
                           {{DatedOrders(week_start, week_start + 6), per_week}}};
    std::string stored_record;
    const absl::StatusOr<CommitResult> result =
        repository_.Commit(loaded->key, loaded->stored.program, change, record, &stored_record);
    if (!change.program.empty()) current_weeks_.Forget(request.program());
    if (result.ok() && *result == CommitResult::kQuotaReached) {
      return absl::ResourceExhaustedError(absl::StrCat("measurement.date: at most ", per_week,
                                                       " measurements a programme week (progression rules, "
                                                       "record_limits); the week of ",
                                                       stored.date(), " has them"));
    }
    if (result.ok() && *result == CommitResult::kCommitted) flow_->MeasurementRecorded(stored);
    return Settle(result, stored, stored_record, request.program(), measurement);
  });
}

}  // namespace osteoflow::progress

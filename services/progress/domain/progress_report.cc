// Programs::GetProgress: a programme's course, week by week.
#include <algorithm>
#include <vector>

#include "services/progress/domain/programs.h"
#include "services/progress/domain/week_progress.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

}  // namespace

absl::Status Programs::GetProgress(const v1::GetProgressRequest& request, v1::ProgressReport* report) {
  absl::StatusOr<LoadedProgram> loaded = repository_.Load(request.program(), "program");
  if (!loaded.ok()) return loaded.status();
  const v1::Program& program = loaded->program;
  absl::StatusOr<std::vector<v1::ProgramWeek>> weeks = repository_.FinishedWeeksForReport(loaded->key);
  if (!weeks.ok()) return weeks.status();
  absl::StatusOr<std::vector<v1::Measurement>> measurements = repository_.Measurements(loaded->key);
  if (!measurements.ok()) return measurements.status();

  // A finished week carries its progress and alerts; only the current
  // week's logs are read, so the cost follows the weeks, not the logs.
  report->set_program(program.name());
  const int soreness_hours = rules_->document().comfort().soreness_hours();
  const auto add_week_from_logs = [&](const scheduling_v1::WeeklyPlan& plan, int week_index) -> absl::Status {
    absl::StatusOr<std::vector<v1::SessionLog>> logs = repository_.WeekLogs(loaded->key, plan, week_index);
    if (!logs.ok()) return logs.status();
    std::vector<const v1::SessionLog*> week_logs;
    for (const v1::SessionLog& log : *logs) week_logs.push_back(&log);
    *report->add_weeks() = WeekOf(plan, week_index, week_logs, soreness_hours);
    AddAlertsOf(week_logs, report->mutable_alerts());
    return absl::OkStatus();
  };
  std::vector<v1::ProgramWeek>& finished = *weeks;
  std::sort(finished.begin(), finished.end(),
            [](const v1::ProgramWeek& a, const v1::ProgramWeek& b) { return a.week_index() < b.week_index(); });
  for (v1::ProgramWeek& week : finished) {
    if (week.has_progress()) {
      *report->add_weeks() = std::move(*week.mutable_progress());
      for (v1::Alert& alert : *week.mutable_alerts()) *report->add_alerts() = std::move(alert);
    } else if (absl::Status read = add_week_from_logs(week.plan(), week.week_index()); !read.ok()) {
      return read;  // a week finished before weeks kept their progress
    }
    for (const v1::ProgressionDecision& decision : week.decisions()) *report->add_decisions() = decision;
  }
  if (program.week_index() > 0) {
    if (absl::Status read = add_week_from_logs(program.current_plan(), program.week_index()); !read.ok()) return read;
  }
  for (const v1::Measurement& measurement : *measurements) {
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

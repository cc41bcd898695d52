// Programs::GetProgress: a programme's course, week by week.
#include <algorithm>
#include <map>
#include <vector>

#include "services/progress/domain/programs.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

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
  absl::StatusOr<LoadedProgram> loaded = repository_.Load(request.program(), "program");
  if (!loaded.ok()) return loaded.status();
  const v1::Program& program = loaded->program;
  absl::StatusOr<std::vector<v1::ProgramWeek>> weeks = repository_.FinishedWeeks(loaded->key);
  if (!weeks.ok()) return weeks.status();
  absl::StatusOr<std::vector<v1::SessionLog>> logs = repository_.SessionLogs(loaded->key);
  if (!logs.ok()) return logs.status();
  absl::StatusOr<std::vector<v1::Measurement>> measurements = repository_.Measurements(loaded->key);
  if (!measurements.ok()) return measurements.status();

  std::map<int, std::vector<const v1::SessionLog*>> logs_by_week;
  for (const v1::SessionLog& log : *logs) logs_by_week[log.week_index()].push_back(&log);
  report->set_program(program.name());
  const int soreness_hours = rules_->document().comfort().soreness_hours();
  std::vector<v1::ProgramWeek>& finished = *weeks;
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
  for (const v1::SessionLog& log : *logs) {
    for (const v1::Alert& alert : log.alerts()) *report->add_alerts() = alert;
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

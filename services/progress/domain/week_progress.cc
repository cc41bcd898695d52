#include "services/progress/domain/week_progress.h"

#include <algorithm>
#include <map>
#include <string>

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;

}  // namespace

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

void AddAlertsOf(const std::vector<const v1::SessionLog*>& logs, google::protobuf::RepeatedPtrField<v1::Alert>* alerts) {
  for (const v1::SessionLog* log : logs) {
    for (const v1::Alert& alert : log->alerts()) *alerts->Add() = alert;
  }
}

}  // namespace osteoflow::progress

#include "services/progress/domain/current_weeks.h"

#include <utility>

#include "common/text/identifiers.h"

namespace osteoflow::progress {

std::shared_ptr<const CurrentWeek> CurrentWeekOf(const ProgramKey& key, const std::string& program_record,
                                                 const osteoflow::progress::v1::Program& program) {
  const osteoflow::scheduling::v1::WeeklyPlan& plan = program.current_plan();
  if (program.state() != osteoflow::progress::v1::PROGRAM_STATE_ACTIVE || plan.days_size() != 7) return nullptr;
  auto week = std::make_shared<CurrentWeek>();
  week->key = key;
  week->program_record = program_record;
  week->week_index = program.week_index();
  if (!ParseIsoDate(plan.days(0).date(), &week->first_day) || !ParseIsoDate(plan.days(6).date(), &week->last_day)) {
    return nullptr;
  }
  for (const osteoflow::scheduling::v1::PlanDay& day : plan.days()) {
    for (const osteoflow::scheduling::v1::PlanSession& session : day.sessions()) {
      for (const osteoflow::scheduling::v1::PlanItem& item : session.items()) {
        week->planned_exercises.insert(item.exercise());
      }
    }
  }
  return week;
}

std::shared_ptr<const CurrentWeek> CurrentWeeks::Find(const std::string& program_name) {
  absl::MutexLock lock(&mu_);
  auto found = by_name_.find(program_name);
  if (found == by_name_.end()) return nullptr;
  recent_.splice(recent_.begin(), recent_, found->second);
  return found->second->second;
}

void CurrentWeeks::Keep(const std::string& program_name, std::shared_ptr<const CurrentWeek> week) {
  if (capacity_ == 0 || week == nullptr) return;
  absl::MutexLock lock(&mu_);
  auto found = by_name_.find(program_name);
  if (found != by_name_.end()) {
    found->second->second = std::move(week);
    recent_.splice(recent_.begin(), recent_, found->second);
    return;
  }
  recent_.emplace_front(program_name, std::move(week));
  by_name_[program_name] = recent_.begin();
  if (recent_.size() > capacity_) {
    by_name_.erase(recent_.back().first);
    recent_.pop_back();
  }
}

void CurrentWeeks::Forget(const std::string& program_name) {
  absl::MutexLock lock(&mu_);
  auto found = by_name_.find(program_name);
  if (found == by_name_.end()) return;
  recent_.erase(found->second);
  by_name_.erase(found);
}

}  // namespace osteoflow::progress

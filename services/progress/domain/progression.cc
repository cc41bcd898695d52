#include "services/progress/domain/progression.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/progress/domain/balance_steps.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;

// What the week planned for one exercise, and what was done of it.
struct ExerciseWeek {
  const scheduling_v1::PlanItem* planned = nullptr;  // its first item in the week
  std::vector<const v1::ItemLog*> done;
};

// Where an exercise stood this week: the carried progression, else the plan.
scheduling_v1::ExerciseProgression Starting(const ExerciseWeek& week,
                                            const scheduling_v1::ExerciseProgression* carried) {
  if (carried != nullptr) return *carried;
  scheduling_v1::ExerciseProgression state;
  const scheduling_v1::PlanItem& item = *week.planned;
  state.set_exercise(item.exercise());
  state.set_load_kg(item.load_kg());
  state.set_balance_level(item.balance_level());
  state.set_balance_hand_support(item.hand_support());
  if (item.dose().has_sets_reps()) {
    state.set_sets(item.dose().sets_reps().sets());
    state.set_reps(item.dose().sets_reps().reps_min());
  } else if (item.dose().has_minutes()) {
    state.set_minutes(item.dose().minutes());
  } else if (item.dose().has_impacts()) {
    state.set_impacts(item.dose().impacts());
  }
  return state;
}

class Decider {
 public:
  Decider(const ProgressionRules& rules, int week_index) : rules_(rules), week_index_(week_index) {}

  v1::ProgressionDecision Decide(const ExerciseWeek& week, const scheduling_v1::ExerciseProgression& before,
                                 bool long_soreness) {
    decision_ = v1::ProgressionDecision();
    decision_.set_week_index(week_index_);
    decision_.set_exercise(before.exercise());
    *decision_.mutable_before() = before;
    *decision_.mutable_after() = before;
    // Only a set added this week is one the next plan may fall back from.
    decision_.mutable_after()->clear_sets_before();
    const v1::ComfortLimits& comfort = rules_.document().comfort();
    int max_pain = 0;
    bool form_broken = false;
    for (const v1::ItemLog* log : week.done) {
      max_pain = std::max(max_pain, log->pain());
      form_broken = form_broken || log->form_broken();
    }
    if (week.done.empty()) {
      Hold("not logged this week: the dose stays until it is done", {"PROG-VOLUME"});
    } else if (max_pain >= comfort.reduce_pain()) {
      Reduce(absl::StrCat("pain ", max_pain, "/10 during the exercise"));
    } else if (max_pain >= comfort.hold_pain()) {
      Hold(absl::StrCat("pain ", max_pain, "/10 during the exercise"), {"PROG-SORE"});
    } else if (long_soreness) {
      Hold(absl::StrCat("soreness lasted more than ", comfort.soreness_hours(), " hours this week"),
           {"PROG-SORE"});
    } else if (form_broken) {
      Hold("form broke down", {"PROG-FORM"});
    } else if (week.planned->component() == scheduling_v1::COMPONENT_BALANCE) {
      Balance(week);
    } else if (before.sets() > 0 && before.reps() > 0) {
      Strength(week);
    } else if (before.minutes() > 0) {
      Minutes(week);
    } else if (before.impacts() > 0) {
      Impacts(week);
    } else {
      Hold("nothing counted to progress", {"PROG-VOLUME"});
    }
    return decision_;
  }

 private:
  void Cite(std::initializer_list<const char*> ids) {
    for (const char* id : ids) *decision_.add_rules() = rules_.Citation(id);
  }
  void Hold(const std::string& why, std::initializer_list<const char*> ids) {
    decision_.set_change(v1::PROGRESSION_CHANGE_HOLD);
    decision_.set_reason(why);
    Cite(ids);
  }

  double StepLoad(double load, int direction) const {
    const v1::StrengthProgression& strength = rules_.document().strength();
    const double rounding = strength.load_rounding_kg();
    const double step = std::max(rounding, std::round(load * strength.load_step_percent() / 100.0 / rounding) * rounding);
    return std::max(0.0, load + direction * step);
  }

  void Reduce(const std::string& why) {
    const int percent = rules_.document().comfort().reduce_percent();
    scheduling_v1::ExerciseProgression& after = *decision_.mutable_after();
    decision_.set_change(v1::PROGRESSION_CHANGE_REDUCE);
    std::string what;
    if (after.load_kg() > 0) {
      after.set_load_kg(StepLoad(after.load_kg(), -1));
      what = absl::StrFormat("load down to %.1f kg", after.load_kg());
    } else if (after.sets() > 1) {
      after.set_sets(after.sets() - 1);
      what = absl::StrCat("one set fewer (", after.sets(), ")");
    } else if (after.minutes() > 0) {
      after.set_minutes(std::max(1, after.minutes() * (100 - percent) / 100));
      what = absl::StrCat(after.minutes(), " minutes");
    } else if (after.impacts() > 0) {
      after.set_impacts(std::max(1, after.impacts() * (100 - percent) / 100));
      what = absl::StrCat(after.impacts(), " impacts");
    } else {
      decision_.set_change(v1::PROGRESSION_CHANGE_HOLD);
      what = "held: nothing smaller to give";
    }
    decision_.set_reason(absl::StrCat(why, ": ", what));
    Cite({"PROG-SORE"});
  }

  void Strength(const ExerciseWeek& week) {
    const v1::StrengthProgression& strength = rules_.document().strength();
    scheduling_v1::ExerciseProgression& after = *decision_.mutable_after();
    const scheduling_v1::ExerciseProgression& before = decision_.before();
    int fewest = INT32_MAX;
    int sets_done = 0;
    for (const v1::ItemLog* log : week.done) {
      for (const int reps : log->reps_per_set()) fewest = std::min(fewest, reps);
      sets_done = std::max(sets_done, log->reps_per_set_size());
    }
    if (sets_done == 0) {
      Hold("no sets recorded", {"PROG-VOLUME"});
      return;
    }
    if (fewest > strength.reps_top()) {
      if (before.load_kg() > 0) {
        after.set_load_kg(StepLoad(before.load_kg(), +1));
        after.set_reps(strength.reps_bottom());
        decision_.set_change(v1::PROGRESSION_CHANGE_LOAD_UP);
        decision_.set_reason(absl::StrFormat(
            "%d or more reps with good form on every set: load up to %.1f kg, reps back to %d", fewest,
            after.load_kg(), strength.reps_bottom()));
        Cite({"PROG-LOAD", "PROG-ONE"});
      } else if (before.sets() < strength.max_sets()) {
        after.set_sets(before.sets() + 1);
        after.set_sets_before(before.sets());
        after.set_reps(strength.reps_bottom());
        decision_.set_change(v1::PROGRESSION_CHANGE_SETS_UP);
        decision_.set_reason(absl::StrCat(fewest, " or more reps on every set without added load: ",
                                          after.sets(), " sets, reps back to ", strength.reps_bottom()));
        Cite({"PROG-LOAD", "PROG-ONE"});
      } else {
        Hold(absl::StrCat("top of the range at ", strength.max_sets(),
                          " sets without added load: time for a harder variant or a load"),
             {"PROG-LOAD"});
      }
      return;
    }
    if (fewest < strength.reps_bottom()) {
      if (before.load_kg() > 0) {
        after.set_load_kg(StepLoad(before.load_kg(), -1));
        decision_.set_change(v1::PROGRESSION_CHANGE_LOAD_DOWN);
        decision_.set_reason(absl::StrFormat("only %d reps on a set: load down to %.1f kg", fewest, after.load_kg()));
        Cite({"PROG-LOAD"});
      } else {
        Hold(absl::StrCat("only ", fewest, " reps on a set without added load"), {"PROG-LOAD"});
      }
      return;
    }
    // Within the range: one rep more than the fewest done, if the week's
    // volume rises no more than the limit over what was done.
    const int reps = std::min(fewest + 1, strength.reps_top() + 1);
    const double load = before.load_kg() > 0 ? before.load_kg() : 1.0;
    const double done_volume = static_cast<double>(sets_done) * fewest * load;
    const double next_volume = static_cast<double>(before.sets()) * reps * load;
    const double limit = done_volume * (100 + strength.max_volume_increase_percent()) / 100.0;
    if (reps <= before.reps() || next_volume > limit) {
      Hold(absl::StrCat("in the range at ", fewest, " reps; one more would raise the week's volume by more than ",
                        strength.max_volume_increase_percent(), " %"),
           {"PROG-VOLUME"});
      return;
    }
    after.set_reps(reps);
    decision_.set_change(v1::PROGRESSION_CHANGE_REPS_UP);
    decision_.set_reason(absl::StrCat(fewest, " reps with good form: ", reps, " next week, same load"));
    Cite({"PROG-ONE", "PROG-VOLUME"});
  }

  // PROG-BALANCE: one step up the ladder once the week's holds (or minutes)
  // were all done as planned; the dose itself stays the catalog's.
  void Balance(const ExerciseWeek& week) {
    const scheduling_v1::PlanItem& planned = *week.planned;
    if (decision_.before().balance_level() == osteoflow::catalog::v1::BALANCE_LEVEL_UNSPECIFIED) {
      Hold("no balance ladder step recorded for it", {"PROG-BALANCE"});
      return;
    }
    const BalanceStepChange next = NextBalanceStep(decision_.before());
    if (!next.moved) {
      Hold("at the top of the balance ladder", {"PROG-BALANCE"});
      return;
    }
    for (const v1::ItemLog* log : week.done) {
      if (!HeldAsPlanned(planned, *log)) {
        Hold("not every planned hold was done: the balance step stays until it is", {"PROG-BALANCE"});
        return;
      }
    }
    decision_.mutable_after()->set_balance_level(next.level);
    decision_.mutable_after()->set_balance_hand_support(next.hand_support);
    decision_.set_change(v1::PROGRESSION_CHANGE_BALANCE_STEP_UP);
    decision_.set_reason(absl::StrCat("every hold done as planned: next ", next.words));
    Cite({"PROG-BALANCE"});
  }

  // A timed or counted dose done in full grows by its step towards its target.
  template <typename Get, typename Set>
  void Grow(const ExerciseWeek& week, int planned, int step_percent, int min_step, int target, Get done_of,
            Set set, v1::ProgressionChange change, const char* unit, std::initializer_list<const char*> ids) {
    int fewest = INT32_MAX;
    for (const v1::ItemLog* log : week.done) fewest = std::min(fewest, done_of(*log));
    if (fewest < planned) {
      Hold(absl::StrCat("done ", fewest, " of ", planned, " ", unit, ": the dose stays until it is done"),
           {"PROG-VOLUME"});
      return;
    }
    if (planned >= target) {
      Hold(absl::StrCat("at the target of ", target, " ", unit), {"PROG-VOLUME"});
      return;
    }
    const int next = std::min(target, planned + std::max(min_step, planned * step_percent / 100));
    set(next);
    decision_.set_change(change);
    decision_.set_reason(absl::StrCat("done in full: ", planned, " → ", next, " ", unit));
    Cite(ids);
  }

  void Minutes(const ExerciseWeek& week) {
    const v1::TimedProgression& minutes = rules_.document().minutes();
    Grow(week, decision_.before().minutes(), minutes.step_percent(), minutes.min_step_minutes(),
         minutes.target_minutes(), [](const v1::ItemLog& log) { return log.minutes(); },
         [this](int value) { decision_.mutable_after()->set_minutes(value); },
         v1::PROGRESSION_CHANGE_MINUTES_UP, "minutes", {"PROG-VOLUME"});
  }

  void Impacts(const ExerciseWeek& week) {
    const v1::ImpactProgression& impacts = rules_.document().impacts();
    Grow(week, decision_.before().impacts(), impacts.step_percent(), impacts.min_step_impacts(),
         impacts.target_impacts(), [](const v1::ItemLog& log) { return log.impacts(); },
         [this](int value) { decision_.mutable_after()->set_impacts(value); },
         v1::PROGRESSION_CHANGE_IMPACTS_UP, "impacts", {"PROG-IMPACT", "PROG-VOLUME"});
  }

  const ProgressionRules& rules_;
  const int week_index_;
  v1::ProgressionDecision decision_;
};

bool Carried(const scheduling_v1::PlanItem& item) {
  switch (item.component()) {
    case scheduling_v1::COMPONENT_STRENGTH:
    case scheduling_v1::COMPONENT_IMPACT:
    case scheduling_v1::COMPONENT_WEIGHT_BEARING_AEROBIC:
    case scheduling_v1::COMPONENT_BALANCE:
      return true;
    default:
      return false;
  }
}

}  // namespace

WeekProgression ProgressWeek(
    const scheduling_v1::WeeklyPlan& plan, const std::vector<v1::SessionLog>& logs,
    const google::protobuf::RepeatedPtrField<scheduling_v1::ExerciseProgression>& current,
    const ProgressionRules& rules, int next_week_index) {
  // Ordered by exercise name: the result does not depend on plan order.
  std::map<std::string, ExerciseWeek> weeks;
  for (const scheduling_v1::PlanDay& day : plan.days()) {
    for (const scheduling_v1::PlanSession& session : day.sessions()) {
      for (const scheduling_v1::PlanItem& item : session.items()) {
        if (!Carried(item)) continue;
        ExerciseWeek& week = weeks[item.exercise()];
        if (week.planned == nullptr) week.planned = &item;
      }
    }
  }
  bool long_soreness = false;
  for (const v1::SessionLog& log : logs) {
    long_soreness = long_soreness || (log.soreness().present() &&
                                      log.soreness().hours() > rules.document().comfort().soreness_hours());
    for (const v1::ItemLog& item : log.items()) {
      auto found = weeks.find(item.exercise());
      if (found != weeks.end()) found->second.done.push_back(&item);
    }
  }
  std::map<std::string, const scheduling_v1::ExerciseProgression*> carried;
  for (const scheduling_v1::ExerciseProgression& entry : current) carried[entry.exercise()] = &entry;

  WeekProgression result;
  Decider decider(rules, next_week_index);
  for (const auto& [exercise, week] : weeks) {
    auto found = carried.find(exercise);
    const scheduling_v1::ExerciseProgression before =
        Starting(week, found != carried.end() ? found->second : nullptr);
    v1::ProgressionDecision decision = decider.Decide(week, before, long_soreness);
    result.next.push_back(decision.after());
    result.decisions.push_back(std::move(decision));
  }
  // Exercises this week did not plan (rotated out) keep where they stood, so
  // that they resume there when they come back.
  for (const auto& [exercise, entry] : carried) {
    if (!weeks.contains(exercise)) result.next.push_back(*entry);
  }
  std::sort(result.next.begin(), result.next.end(),
            [](const scheduling_v1::ExerciseProgression& a, const scheduling_v1::ExerciseProgression& b) {
              return a.exercise() < b.exercise();
            });
  return result;
}

}  // namespace osteoflow::progress

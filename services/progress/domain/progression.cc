#include "services/progress/domain/progression.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/progress/domain/balance_steps.h"
#include "services/progress/domain/load_steps.h"

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
  state.set_band_level(item.band_level());
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

// How an exercise's load is carried, from the gear its plan item names.
enum class LoadKind {
  kBodyWeight,
  // Kilograms in the gear's real steps, or (gear == nullptr) a load carried
  // from a plan that named no gear, stepped by percent.
  kKilograms,
  kBand,
};

// What the week's logs say about the load: the load taken and the sets
// logged at it.
struct DoneAtLoad {
  int fewest = INT32_MAX;
  int sets = 0;
  // The load taken: the lowest logged (kilograms, or a band's position in
  // the gear's levels); unset when no log named one.
  std::optional<double> load;
  // A set at a heavier load than the one taken fell below the range.
  bool heavier_short = false;
};

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
    gear_ = LoadGearOf(*week.planned, rules_.document().load_steps());
    kind_ = gear_ == nullptr               ? (before.load_kg() > 0 ? LoadKind::kKilograms : LoadKind::kBodyWeight)
            : gear_->band_levels().empty() ? LoadKind::kKilograms
                                           : LoadKind::kBand;
    done_ = DoneOf(week);
    const v1::ComfortLimits& comfort = rules_.document().comfort();
    int max_pain = 0;
    bool form_broken = false;
    for (const v1::ItemLog* log : week.done) {
      max_pain = std::max(max_pain, log->pain());
      form_broken = form_broken || log->form_broken();
    }
    if (week.done.empty()) {
      Hold("not logged this week: the dose stays until it is done", {"PROG-VOLUME"});
      return decision_;
    }
    // The load progressed is the one logged, not the one planned (PROG-LOAD):
    // every decision on a loaded exercise starts from it.
    if (done_.load.has_value()) TakeLoggedLoad();
    if (max_pain >= comfort.reduce_pain() || max_pain >= comfort.hold_pain() || long_soreness || form_broken) {
      // Not a comfortable week: a vest's count of them starts again.
      decision_.mutable_after()->set_weeks_at_load(0);
    }
    if (max_pain >= comfort.reduce_pain()) {
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
      Strength();
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
  // The load a log names on this exercise's gear; unset when it names none.
  std::optional<double> LoadOf(const v1::ItemLog& log) const {
    switch (kind_) {
      case LoadKind::kBodyWeight:
        return 0.0;  // every log counts, whatever it says of a load
      case LoadKind::kKilograms:
        if (log.load_kg() > 0) return log.load_kg();
        return std::nullopt;
      case LoadKind::kBand:
        if (const int index = BandIndex(*gear_, log.band_level()); index >= 0) return index;
        return std::nullopt;
    }
    return std::nullopt;
  }

  // When the week's logs disagree, the lowest load logged is taken and the
  // reps judged are those done at it: safety first, and a heavier load tried
  // and failed the same week stops the load from going up.
  DoneAtLoad DoneOf(const ExerciseWeek& week) const {
    DoneAtLoad done;
    for (const v1::ItemLog* log : week.done) {
      const std::optional<double> load = LoadOf(*log);
      if (load.has_value() && (!done.load.has_value() || *load < *done.load)) done.load = load;
    }
    const int bottom = rules_.document().strength().reps_bottom();
    for (const v1::ItemLog* log : week.done) {
      const std::optional<double> load = LoadOf(*log);
      // Without any load named, every log counts (the load is unknown).
      if (done.load.has_value() && load != done.load) {
        if (load.has_value()) {
          for (const int reps : log->reps_per_set()) done.heavier_short = done.heavier_short || reps < bottom;
        }
        continue;
      }
      for (const int reps : log->reps_per_set()) done.fewest = std::min(done.fewest, reps);
      done.sets = std::max(done.sets, log->reps_per_set_size());
    }
    return done;
  }

  void TakeLoggedLoad() {
    scheduling_v1::ExerciseProgression& before = *decision_.mutable_before();
    const int previous_band = before.band_level();
    const double previous_kg = before.load_kg();
    if (kind_ == LoadKind::kBand) {
      before.set_band_level(gear_->band_levels(static_cast<int>(*done_.load)));
      before.set_load_kg(0);
    } else if (kind_ == LoadKind::kKilograms) {
      before.set_load_kg(*done_.load);
    }
    // Weeks at a load count only while it stays the same.
    if (before.band_level() != previous_band || before.load_kg() != previous_kg) before.set_weeks_at_load(0);
    *decision_.mutable_after() = before;
  }

  void Cite(std::initializer_list<const char*> ids) {
    for (const char* id : ids) *decision_.add_rules() = rules_.Citation(id);
  }
  // The gear's own rules (PROG-VEST for a vest), after the ones given.
  void CiteGear() {
    if (gear_ == nullptr) return;
    for (const std::string& id : gear_->rule_ids()) *decision_.add_rules() = rules_.Citation(id);
  }
  void Hold(const std::string& why, std::initializer_list<const char*> ids) {
    decision_.set_change(v1::PROGRESSION_CHANGE_HOLD);
    decision_.set_reason(why);
    Cite(ids);
  }

  // A load from a plan that named no gear: the percentage step, rounded.
  double PercentStep(double load, int direction) const {
    const v1::StrengthProgression& strength = rules_.document().strength();
    const double rounding = strength.load_rounding_kg();
    const double step = std::max(rounding, std::round(load * strength.load_step_percent() / 100.0 / rounding) * rounding);
    return std::max(0.0, load + direction * step);
  }

  // "8.0 kg" or "a medium band".
  std::string LoadWords(const scheduling_v1::ExerciseProgression& state) const {
    if (kind_ == LoadKind::kBand) return absl::StrCat("a ", BandWords(state.band_level()), " band");
    return Kilograms(state.load_kg());
  }
  // "dumbbells", or "load" for a plan that named no gear.
  std::string GearName() const { return gear_ != nullptr ? gear_->display_name() : std::string("load"); }

  // One load step down, if there is one: the gear's next lighter load or band.
  bool LoadDown(scheduling_v1::ExerciseProgression& after) const {
    const v1::LoadSteps& steps = rules_.document().load_steps();
    if (kind_ == LoadKind::kBand) {
      const int index = BandIndex(*gear_, after.band_level());
      if (index <= 0) return false;
      after.set_band_level(gear_->band_levels(index - 1));
    } else if (kind_ == LoadKind::kKilograms && after.load_kg() > 0) {
      const double lighter = gear_ != nullptr ? KilogramsDown(*gear_, after.load_kg(), steps.min_percent())
                                              : PercentStep(after.load_kg(), -1);
      if (lighter >= after.load_kg()) return false;
      after.set_load_kg(lighter);
    } else {
      return false;
    }
    after.set_weeks_at_load(0);
    return true;
  }

  void Reduce(const std::string& why) {
    const int percent = rules_.document().comfort().reduce_percent();
    scheduling_v1::ExerciseProgression& after = *decision_.mutable_after();
    decision_.set_change(v1::PROGRESSION_CHANGE_REDUCE);
    after.set_weeks_at_load(0);
    std::string what;
    if (LoadDown(after)) {
      what = absl::StrCat("load down to ", LoadWords(after));
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

  void Strength() {
    const v1::StrengthProgression& strength = rules_.document().strength();
    if (done_.sets == 0) {
      Hold("no sets recorded", {"PROG-VOLUME"});
      return;
    }
    const int fewest = done_.fewest;
    if (kind_ != LoadKind::kBodyWeight && !done_.load.has_value() &&
        (fewest > strength.reps_top() || fewest < strength.reps_bottom())) {
      // Adding sets to a load nobody noted would progress blindly.
      const bool above = fewest > strength.reps_top();
      const std::string gear = gear_ != nullptr ? gear_->display_name() : std::string("loaded");
      Hold(absl::StrCat(above ? absl::StrCat(fewest, " or more reps on every set")
                              : absl::StrCat("only ", fewest, " reps on a set"),
                        ", but no ", kind_ == LoadKind::kBand ? "band level" : "load in kg", " logged for this ", gear,
                        " exercise: log the ", kind_ == LoadKind::kBand ? "band" : "load", " used so that it can be ",
                        above ? "raised" : "lowered"),
           {"PROG-LOAD"});
      return;
    }
    if (fewest > strength.reps_top()) {
      LoadUp(fewest);
    } else if (fewest < strength.reps_bottom()) {
      scheduling_v1::ExerciseProgression& after = *decision_.mutable_after();
      const std::string at =
          kind_ == LoadKind::kBodyWeight ? std::string(" without added load") : absl::StrCat(" at ", LoadWords(after));
      if (LoadDown(after)) {
        decision_.set_change(v1::PROGRESSION_CHANGE_LOAD_DOWN);
        decision_.set_reason(absl::StrCat("only ", fewest, " reps on a set", at, ": load down to ", LoadWords(after)));
        Cite({"PROG-LOAD"});
      } else {
        Hold(absl::StrCat("only ", fewest, " reps on a set", at,
                          kind_ == LoadKind::kBodyWeight ? "" : ", already the lightest step: an easier variant"),
             {"PROG-LOAD"});
      }
    } else {
      RepsUp(fewest);
    }
    CountComfortableWeek();
  }

  // More than the top of the range on every set: the next real load, reps
  // back to the bottom (PROG-LOAD, PROG-ONE); where the load cannot rise
  // (none, a step too large, a vest not yet due) one more set instead, up to
  // the most, then hold.
  void LoadUp(int fewest) {
    const v1::StrengthProgression& strength = rules_.document().strength();
    const v1::LoadSteps& steps = rules_.document().load_steps();
    const scheduling_v1::ExerciseProgression& before = decision_.before();
    scheduling_v1::ExerciseProgression& after = *decision_.mutable_after();
    const std::string done =
        kind_ == LoadKind::kBodyWeight
            ? absl::StrCat(fewest, " or more reps on every set without added load")
            : absl::StrCat(fewest, " or more reps on every set at ", LoadWords(before), " with good form");
    std::string why_not;  // why the load stays, when it does
    if (done_.heavier_short) {
      Hold(absl::StrCat(done, ", but fewer than ", strength.reps_bottom(),
                        " on a heavier load tried this week: the load stays"),
           {"PROG-LOAD"});
      return;
    }
    if (kind_ == LoadKind::kBand) {
      const int index = BandIndex(*gear_, before.band_level());
      if (index + 1 < gear_->band_levels_size()) {
        after.set_band_level(gear_->band_levels(index + 1));
        LoadedUp(
            absl::StrCat(done, ": one band level up to ", LoadWords(after), ", reps back to ", strength.reps_bottom()));
        return;
      }
      why_not = "already the heaviest band";
    } else if (kind_ == LoadKind::kKilograms) {
      const bool vest_due =
          gear_ == nullptr || gear_->rise_after_weeks() == 0 || before.weeks_at_load() + 1 >= gear_->rise_after_weeks();
      const int max_percent = gear_ != nullptr && gear_->max_percent() > 0 ? gear_->max_percent() : steps.max_percent();
      const StepUp up = gear_ != nullptr ? KilogramsUp(*gear_, before.load_kg(), steps.min_percent(), max_percent)
                                         : StepUp{PercentStep(before.load_kg(), +1), false};
      if (!vest_due) {
        why_not = absl::StrCat("the ", GearName(), " rises only after ", gear_->rise_after_weeks(),
                               " comfortable weeks in a row at one load (", before.weeks_at_load() + 1, " so far)");
      } else if (up.load_kg <= before.load_kg()) {
        why_not = absl::StrCat("no heavier ", GearName(), " step is listed");
      } else if (up.too_large) {
        why_not = absl::StrCat("the next ", GearName(), " step, ", Kilograms(up.load_kg), ", is ",
                               static_cast<int>(std::round((up.load_kg / before.load_kg() - 1) * 100)),
                               " % more, above the ", max_percent, " % a step may add");
      } else {
        after.set_load_kg(up.load_kg);
        LoadedUp(absl::StrCat(done, ": load up to ", Kilograms(up.load_kg), " (", GearName(), " step ",
                              Kilograms(up.load_kg - before.load_kg()), "), reps back to ", strength.reps_bottom()));
        return;
      }
    }
    const std::string stays = why_not.empty() ? std::string() : absl::StrCat(" (", why_not, ")");
    if (before.sets() < strength.max_sets()) {
      after.set_sets(before.sets() + 1);
      after.set_sets_before(before.sets());
      after.set_reps(strength.reps_bottom());
      decision_.set_change(v1::PROGRESSION_CHANGE_SETS_UP);
      decision_.set_reason(absl::StrCat(done, stays, ": ", after.sets(), " sets",
                                        kind_ == LoadKind::kBodyWeight ? "" : absl::StrCat(" at ", LoadWords(before)),
                                        ", reps back to ", strength.reps_bottom()));
      Cite({"PROG-LOAD", "PROG-ONE"});
      CiteGear();
      return;
    }
    if (kind_ == LoadKind::kBodyWeight) {
      Hold(absl::StrCat("top of the range at ", strength.max_sets(),
                        " sets without added load: time for a harder variant or a load"),
           {"PROG-LOAD"});
    } else {
      Hold(absl::StrCat(done, " at ", strength.max_sets(), " sets", stays, ": the load stays at ", LoadWords(before),
                        "; a harder variant, or a smaller step with a trainer"),
           {"PROG-LOAD"});
      CiteGear();
    }
  }

  void LoadedUp(const std::string& why) {
    scheduling_v1::ExerciseProgression& after = *decision_.mutable_after();
    after.set_reps(rules_.document().strength().reps_bottom());
    after.set_weeks_at_load(0);
    decision_.set_change(v1::PROGRESSION_CHANGE_LOAD_UP);
    decision_.set_reason(why);
    Cite({"PROG-LOAD", "PROG-ONE"});
    CiteGear();
  }

  // Within the range: one rep more than the fewest done, if the week's
  // volume rises no more than the limit over what was done.
  void RepsUp(int fewest) {
    const v1::StrengthProgression& strength = rules_.document().strength();
    const scheduling_v1::ExerciseProgression& before = decision_.before();
    scheduling_v1::ExerciseProgression& after = *decision_.mutable_after();
    const int reps = std::min(fewest + 1, strength.reps_top() + 1);
    const double load = before.load_kg() > 0 ? before.load_kg() : 1.0;
    const double done_volume = static_cast<double>(done_.sets) * fewest * load;
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
    decision_.set_reason(absl::StrCat(fewest, " reps with good form: ", reps, " next week, same load",
                                      kind_ == LoadKind::kBodyWeight || !done_.load.has_value()
                                          ? std::string()
                                          : absl::StrCat(" (", LoadWords(before), ")")));
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

  // A gear that rises only after comfortable weeks (a vest) counts this one,
  // done without pain, soreness or broken form at an unchanged load.
  void CountComfortableWeek() {
    if (gear_ == nullptr || gear_->rise_after_weeks() == 0 || !done_.load.has_value()) return;
    scheduling_v1::ExerciseProgression& after = *decision_.mutable_after();
    if (decision_.change() == v1::PROGRESSION_CHANGE_LOAD_UP ||
        decision_.change() == v1::PROGRESSION_CHANGE_LOAD_DOWN) {
      after.set_weeks_at_load(0);
    } else {
      after.set_weeks_at_load(std::min(520, decision_.before().weeks_at_load() + 1));
    }
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
  const v1::EquipmentSteps* gear_ = nullptr;
  LoadKind kind_ = LoadKind::kBodyWeight;
  DoneAtLoad done_;
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

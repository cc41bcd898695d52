#include "tools/cli/simulated_week.h"

#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "common/text/identifiers.h"

namespace osteoflow::tools {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace common = osteoflow::common::v1;

namespace {

// The load a person logs for an item: the one planned, else a first choice
// on the gear that carries it (a band by level, weights in kilograms).
void LogLoad(const scheduling_v1::PlanItem& item, const FirstLoads& first, v1::ItemLog& done) {
  if (item.load_kg() > 0) {
    done.set_load_kg(item.load_kg());
    return;
  }
  if (item.band_level() != common::BAND_LEVEL_UNSPECIFIED) {
    done.set_band_level(item.band_level());
    return;
  }
  for (const int equipment : item.equipment()) {
    switch (equipment) {
      case common::EQUIPMENT_RESISTANCE_BAND:
        done.set_band_level(first.band);
        return;
      case common::EQUIPMENT_DUMBBELLS:
      case common::EQUIPMENT_KETTLEBELL:
      case common::EQUIPMENT_BARBELL:
      case common::EQUIPMENT_WEIGHT_MACHINE:
      case common::EQUIPMENT_WEIGHTED_VEST:
        done.set_load_kg(first.kilograms);
        return;
      default:
        break;
    }
  }
}

}  // namespace

std::vector<v1::SessionLog> SessionsAsPlanned(const scheduling_v1::WeeklyPlan& plan, int strength_reps,
                                              const FirstLoads& first, absl::CivilDay last_day) {
  std::vector<v1::SessionLog> sessions;
  for (const scheduling_v1::PlanDay& day : plan.days()) {
    absl::CivilDay date;
    if (day.sessions().empty() || !ParseIsoDate(day.date(), &date) || date > last_day) continue;
    v1::SessionLog log;
    log.set_date(day.date());
    // One log per day: an exercise planned in two of the day's sessions is
    // logged once.
    absl::flat_hash_set<std::string> logged;
    for (const scheduling_v1::PlanSession& session : day.sessions()) {
      for (const scheduling_v1::PlanItem& item : session.items()) {
        if (!logged.insert(item.exercise()).second) continue;
        v1::ItemLog* done = log.add_items();
        done->set_exercise(item.exercise());
        if (item.component() == scheduling_v1::COMPONENT_STRENGTH) LogLoad(item, first, *done);
        done->set_effort(6);
        const osteoflow::common::v1::Dose& dose = item.dose();
        switch (dose.amount_case()) {
          case osteoflow::common::v1::Dose::kSetsReps: {
            const int reps =
                item.component() == scheduling_v1::COMPONENT_STRENGTH ? strength_reps : dose.sets_reps().reps_max();
            for (int set = 0; set < dose.sets_reps().sets(); ++set) done->add_reps_per_set(reps);
            break;
          }
          case osteoflow::common::v1::Dose::kMinutes: done->set_minutes(dose.minutes()); break;
          case osteoflow::common::v1::Dose::kImpacts: done->set_impacts(dose.impacts()); break;
          case osteoflow::common::v1::Dose::AMOUNT_NOT_SET: break;
        }
      }
    }
    sessions.push_back(std::move(log));
  }
  return sessions;
}

}  // namespace osteoflow::tools

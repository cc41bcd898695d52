#include "services/scheduling/domain/plan_items.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/catalog/restriction_match.h"
#include "services/scheduling/domain/plan_wording.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace common = osteoflow::common::v1;

// The exercise as every item names it, with the catalog's own cues first.
v1::PlanItem ItemOf(const catalog_v1::Exercise& exercise, v1::Component component, const std::string& tempo) {
  v1::PlanItem item;
  item.set_exercise(exercise.name());
  item.set_exercise_id(exercise.id());
  item.set_display_name(exercise.display_name());
  item.set_component(component);
  item.set_tempo(tempo);
  for (const std::string& cue : exercise.cues()) item.add_cues(cue);
  return item;
}

// "8.5 kg" (two decimals only when a step needs them).
std::string KilogramText(double load_kg) {
  const double tenths = load_kg * 10.0;
  return std::abs(tenths - std::round(tenths)) < 1e-3 ? absl::StrFormat("%.1f kg", load_kg)
                                                      : absl::StrFormat("%.2f kg", load_kg);
}

// "a medium band" for BAND_LEVEL_MEDIUM.
std::string BandText(common::BandLevel level) {
  const std::string& name = common::BandLevel_Name(level);
  std::string words = absl::AsciiStrToLower(name.substr(std::min(name.size(), sizeof("BAND_LEVEL_") - 1)));
  std::replace(words.begin(), words.end(), '_', ' ');
  return absl::StrCat("a ", words, " band");
}

// The load a strength item states (PROG-LOAD): once a log has named one, the
// kilograms or the band progressed from it; until then the catalog's guide to
// choosing one that allows 8-12 good repetitions, and a reminder to log it,
// since next week's load is set from what is logged.
void StateLoad(const catalog_v1::Exercise& exercise, const v1::ExerciseProgression* progression,
               const std::string& fallback_guide, v1::PlanItem& item) {
  const std::string& guide = exercise.default_dose().load_guide();
  if (!guide.empty()) {
    item.mutable_dose()->set_load_guide(guide);
  } else if (!exercise.equipment().empty()) {
    item.mutable_dose()->set_load_guide(fallback_guide);
  }
  if (progression != nullptr && progression->load_kg() > 0) {
    item.set_load_kg(progression->load_kg());
    item.mutable_dose()->set_load_guide(absl::StrCat(
        KilogramText(progression->load_kg()),
        ", progressed from the load you logged; if it does not allow the repetitions with good form, use the"
        " next lighter and log it"));
  } else if (progression != nullptr && progression->band_level() != common::BAND_LEVEL_UNSPECIFIED) {
    item.set_band_level(progression->band_level());
    item.mutable_dose()->set_load_guide(absl::StrCat(
        BandText(progression->band_level()),
        ", progressed from the band you logged; if it does not allow the repetitions with good form, use the"
        " next lighter and log it"));
  } else if (!guide.empty() && !exercise.equipment().empty()) {
    // Gear that carries a load has a guide of its own in the catalog.
    item.add_cues("Log the load you use (kilograms, or the band's level): next week's load is set from it.");
  }
}

}  // namespace

v1::PlanItem PlanItemWriter::NewItem(const PlanningEntry& entry, const v1::ComponentText& text) const {
  const catalog_v1::Exercise& exercise = *entry.exercise;
  v1::PlanItem item = ItemOf(exercise, entry.component, text.tempo());
  for (const std::string& cue : text.cues()) item.add_cues(cue);
  AddCitation(basis_.plan_rules.Citation(text.rule_id()), item.mutable_rules());
  // Swimming and cycling never count as weight-bearing (rule NWB).
  item.set_counts_as_weight_bearing(exercise.weight_bearing() &&
                                    entry.component != v1::COMPONENT_NON_WEIGHT_BEARING);
  for (const v1::RestrictionCue& cue : basis_.rules.restriction_cues()) {
    if (std::find(cue.categories().begin(), cue.categories().end(), exercise.category()) ==
        cue.categories().end()) {
      continue;
    }
    for (const common::TagExclusion& exclusion : basis_.restrictions.excluded_tags()) {
      if (exclusion.tag() != cue.tag()) continue;
      item.add_cues(cue.cue());
      AddCitations(exclusion.rules(), item.mutable_rules());
    }
  }
  // An activity the person already does, kept by its continuation: how to
  // keep doing it, and the rule that allows it.
  if (const common::ActivityContinuation* continued =
          catalog::ContinuationApplied(exercise, basis_.restrictions);
      continued != nullptr) {
    item.add_cues(continued->modification());
    AddCitation(continued->rule(), item.mutable_rules());
  }
  return item;
}

v1::PlanItem PlanItemWriter::AtCatalogDose(const PlanningEntry& entry, const v1::ComponentText& text,
                                           int minutes) const {
  v1::PlanItem item = NewItem(entry, text);
  *item.mutable_dose() = entry.exercise->default_dose();
  SetMinutes(item, minutes);
  return item;
}

v1::PlanItem PlanItemWriter::Strength(const PlanningEntry& entry) const {
  const v1::StrengthDose& strength = basis_.rules.strength();
  v1::PlanItem item = NewItem(entry, strength.text());
  AddCitation(basis_.plan_rules.Citation(strength.dose_rule_id()), item.mutable_rules());
  const catalog_v1::Exercise& exercise = *entry.exercise;
  const v1::ExerciseProgression* progression = candidates_.ProgressionOf(entry);
  common::SetsReps* sets_reps = item.mutable_dose()->mutable_sets_reps();
  const common::SetsReps& usual = exercise.default_dose().sets_reps();
  const bool has_usual = exercise.default_dose().has_sets_reps();
  sets_reps->set_sets(std::clamp(progression != nullptr && progression->sets() > 0
                                     ? progression->sets()
                                     : strength.start_sets(),
                                 1, strength.max_sets()));
  if (progression != nullptr && progression->reps() > 0) {
    // Progress passes reps within the exercise's range (PROG-LOAD moves
    // past its top by adding load instead); anything else is held to it.
    const int low = has_usual ? usual.reps_min() : strength.reps_min();
    const int high = has_usual ? usual.reps_max() : strength.reps_max();
    const int reps = std::clamp(progression->reps(), low, high);
    sets_reps->set_reps_min(reps);
    sets_reps->set_reps_max(reps);
  } else {
    sets_reps->set_reps_min(has_usual ? usual.reps_min() : strength.reps_min());
    sets_reps->set_reps_max(has_usual ? usual.reps_max() : strength.reps_max());
  }
  sets_reps->set_hold_seconds(usual.hold_seconds());
  sets_reps->set_per_side(usual.per_side());
  for (const int equipment : exercise.equipment()) item.add_equipment(static_cast<common::Equipment>(equipment));
  StateLoad(exercise, progression, strength.load_guide(), item);
  if (progression == nullptr) {
    item.add_cues(strength.start_cue());
    AddCitation(basis_.plan_rules.Citation(strength.start_rule_id()), item.mutable_rules());
  }
  // The screening's load cap, never above what a plan followed alone holds.
  int load_cap = basis_.restrictions.load_cap().max_percent_one_rep_max();
  if (load_cap == 0 || load_cap > strength.unsupervised_max_percent_one_rep_max()) {
    load_cap = strength.unsupervised_max_percent_one_rep_max();
  }
  if (!item.dose().load_guide().empty()) {
    item.add_cues(absl::StrCat("Keep the load below ", load_cap + 1,
                               "% of the most you could lift once."));
    AddCitations(basis_.restrictions.load_cap().rules(), item.mutable_rules());
    AddCitation(basis_.plan_rules.Citation(strength.unsupervised_rule_id()), item.mutable_rules());
  }
  item.set_minutes(sets_reps->sets() * strength.minutes_per_set());
  return item;
}

v1::PlanItem PlanItemWriter::EnjoyedNonWeightBearing(const PlanningEntry& entry, int shortest,
                                                     int room) const {
  // Not a dose the rules set: no component text, only the NWB rule's word
  // that it does not count as weight-bearing.
  const catalog_v1::Exercise& exercise = *entry.exercise;
  v1::PlanItem item = ItemOf(exercise, v1::COMPONENT_NON_WEIGHT_BEARING, "at an easy to moderate effort");
  if (const catalog::v1::RuleDefinition* nwb = basis_.catalog.catalog().Rule("NWB"); nwb != nullptr) {
    item.add_cues("Good for fitness; it does not count towards weight-bearing minutes.");
    common::RuleCitation* citation = item.add_rules();
    citation->set_rule_id(nwb->rule_id());
    *citation->mutable_source_keys() = nwb->source_keys();
  }
  const int usual = exercise.default_dose().has_minutes() ? exercise.default_dose().minutes() : shortest;
  const int minutes = std::min(usual, room);
  item.mutable_dose()->set_minutes(minutes);
  item.set_minutes(minutes);
  return item;
}

void SetMinutes(v1::PlanItem& item, int minutes) {
  item.set_minutes(minutes);
  if (item.dose().has_minutes()) item.mutable_dose()->set_minutes(minutes);
}

}  // namespace osteoflow::scheduling

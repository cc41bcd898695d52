#include "services/screening/domain/intake_facts.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/screening/domain/intake_validation.h"

namespace osteoflow::screening {
namespace {

using v1::Intake;

FactDefinition Number(Fact fact, absl::string_view name) {
  return {fact, name, FactType::kNumber, nullptr, "", false, false};
}
FactDefinition Flag(Fact fact, absl::string_view name) {
  return {fact, name, FactType::kFlag, nullptr, "", false, false};
}
FactDefinition Symbol(Fact fact, absl::string_view name, const google::protobuf::EnumDescriptor* e,
                      absl::string_view prefix) {
  return {fact, name, FactType::kSymbol, e, prefix, false, false};
}
FactDefinition MayBeAbsent(FactDefinition definition) {
  definition.may_be_absent = true;
  return definition;
}
FactDefinition Decided(FactDefinition definition) {
  definition.decided = true;
  return definition;
}
FactDefinition PerActivity(FactDefinition definition) {
  definition.per_activity = true;
  return definition;
}

std::vector<FactDefinition> MakeDefinitions() {
  std::vector<FactDefinition> d = {
      Number(Fact::kAgeYears, "age_years"),  // age in whole years
      Symbol(Fact::kSex, "sex", v1::Sex_descriptor(), "SEX_"),  // FEMALE or MALE
      Flag(Fact::kPostmenopausal, "postmenopausal"),  // a woman after menopause
      Number(Fact::kBmi, "bmi"),  // body-mass index from height and weight, kg/m²
      Flag(Fact::kHasDxa, "has_dxa"),  // a DXA scan was given
      // lowest T-score of lumbar spine, total hip and femoral neck (forearm when none)
      MayBeAbsent(Number(Fact::kLowestTScore, "lowest_t_score")),
      // lowest Z-score of lumbar spine, total hip and femoral neck (forearm when none)
      MayBeAbsent(Number(Fact::kLowestZScore, "lowest_z_score")),
      Number(Fact::kLowTraumaFractures, "low_trauma_fractures"),  // count of fragility fractures
      Flag(Fact::kVertebralFracture, "vertebral_fracture"),  // any vertebral fracture
      // weeks from the latest fracture to the assessment (days / 7)
      MayBeAbsent(Number(Fact::kWeeksSinceLastFracture, "weeks_since_last_fracture")),
      Number(Fact::kFallsLast12Months, "falls_last_12_months"),  // falls in the last 12 months
      // a fall in the last 12 months needed medical attention
      Flag(Fact::kFallNeededMedicalAttention, "fall_needed_medical_attention"),
      // reported problems with gait or balance
      Flag(Fact::kGaitOrBalanceProblem, "gait_or_balance_problem"),
      // Timed Up and Go, seconds
      MayBeAbsent(Number(Fact::kTimedUpAndGoSeconds, "timed_up_and_go_seconds")),
      // longest tandem stance held, seconds
      MayBeAbsent(Number(Fact::kTandemStanceSeconds, "tandem_stance_seconds")),
      // stands in the 30-second chair-stand test
      MayBeAbsent(Number(Fact::kChairStands30Seconds, "chair_stands_30_seconds")),
      Flag(Fact::kCardiovascular, "cardiovascular"),  // known heart or blood-vessel disease
      Flag(Fact::kDiabetes, "diabetes"),  // known diabetes
      Flag(Fact::kRenal, "renal"),  // known chronic kidney disease
      Flag(Fact::kHypertension, "hypertension"),  // known high blood pressure
      Flag(Fact::kLungDisease, "lung_disease"),  // known chronic lung disease
      Flag(Fact::kObesity, "obesity"),  // diagnosed obesity (a BMI of 30 or more is read from bmi)
      Flag(Fact::kArthritis, "arthritis"),  // known arthritis
      Flag(Fact::kFrail, "frail"),  // judged frail by a clinician
      Flag(Fact::kGlucocorticoidUse, "glucocorticoid_use"),  // long-term oral glucocorticoids
      Number(Fact::kActivityDaysPerWeek, "activity_days_per_week"),  // exercise days a week now
      // minutes on an exercise day now
      Number(Fact::kActivityMinutesPerDay, "activity_minutes_per_day"),
      Flag(Fact::kChestPain, "chest_pain"),  // chest pain at rest, in daily life or on exertion
      // dizziness or fainting in the last 12 months
      Flag(Fact::kDizzinessOrFainting, "dizziness_or_fainting"),
      // new, sudden or sharp back pain without a clear cause
      Flag(Fact::kNewOrSharpBackPain, "new_or_sharp_back_pain"),
      Flag(Fact::kRadiatingPain, "radiating_pain"),  // pain radiating down a limb
      Number(Fact::kHeightLossCm, "height_loss_cm"),  // height lost, centimetres
      Flag(Fact::kNewStoop, "new_stoop"),  // a new forward stoop
      // breathlessness that stops speech during activity
      Flag(Fact::kBreathlessUnableToSpeak, "breathless_unable_to_speak"),
      // weeks from the last surgery to the assessment (days / 7)
      MayBeAbsent(Number(Fact::kWeeksSinceSurgery, "weeks_since_surgery")),
      // in rehabilitation after a hip fracture
      Flag(Fact::kRecoveringFromHipFracture, "recovering_from_hip_fracture"),
      Flag(Fact::kSpinalCordInjury, "spinal_cord_injury"),  // a spinal cord injury
      // sessions a week of the regular activity being read
      PerActivity(Number(Fact::kRegularActivitySessionsPerWeek, "regular_activity_sessions_per_week")),
      // whole months the regular activity being read has been done
      PerActivity(Number(Fact::kRegularActivityMonths, "regular_activity_months")),
      // it caused pain in the last 12 months
      PerActivity(Flag(Fact::kRegularActivityPain, "regular_activity_pain")),
      // the person fell doing it in the last 12 months
      PerActivity(Flag(Fact::kRegularActivityFell, "regular_activity_fell")),
      Decided(Symbol(Fact::kBoneCategory, "bone_category", v1::BoneCategory_descriptor(),
                     "BONE_CATEGORY_")),  // the bone category decided so far (starts UNKNOWN)
      Decided(Symbol(Fact::kBoneTreatedAs, "bone_treated_as", v1::BoneCategory_descriptor(),
                     "BONE_CATEGORY_")),  // what the bone is treated as (starts UNKNOWN)
      // established osteoporosis decided so far
      Decided(Flag(Fact::kSevereOsteoporosis, "severe_osteoporosis")),
      Decided(Flag(Fact::kFallRisk, "fall_risk")),  // the fall-risk flag raised so far
  };
  // The table is indexed by Fact; a mismatch is a programming error caught at start.
  for (size_t i = 0; i < d.size(); ++i) {
    if (static_cast<size_t>(d[i].fact) != i) std::abort();
  }
  if (d.size() != static_cast<size_t>(kFactCount)) std::abort();
  return d;
}

double WeeksBetween(absl::CivilDay from, absl::CivilDay to) {
  return static_cast<double>(to - from) / 7.0;
}

// Lowest score among the central sites, or the forearm when no central site
// has one (the forearm is read only when spine and hip cannot be).
void LowestScore(const Intake& intake, bool t_score, std::optional<double>* lowest,
                 v1::SkeletalSite* site) {
  std::optional<double> forearm;
  for (const v1::DxaSiteResult& result : intake.dxa().sites()) {
    const bool has = t_score ? result.has_t_score() : result.has_z_score();
    if (!has) continue;
    const double score = t_score ? result.t_score() : result.z_score();
    if (result.site() == v1::SKELETAL_SITE_FOREARM) {
      forearm = score;
      continue;
    }
    if (!lowest->has_value() || score < **lowest) {
      *lowest = score;
      *site = result.site();
    }
  }
  if (!lowest->has_value() && forearm.has_value()) {
    *lowest = forearm;
    *site = v1::SKELETAL_SITE_FOREARM;
  }
}

void ExtractFractures(const Intake& intake, absl::CivilDay assessed, FactValues& facts) {
  int low_trauma = 0;
  bool vertebral = false;
  std::optional<absl::CivilDay> latest;
  for (const v1::Fracture& fracture : intake.fractures()) {
    if (fracture.low_trauma()) ++low_trauma;
    if (fracture.site() == v1::FRACTURE_SITE_VERTEBRA) vertebral = true;
    absl::CivilDay day;
    if (ParseIsoDate(fracture.date(), &day) && (!latest.has_value() || day > *latest)) latest = day;
  }
  facts.Set(Fact::kLowTraumaFractures, low_trauma);
  facts.SetFlag(Fact::kVertebralFracture, vertebral);
  if (latest.has_value()) facts.Set(Fact::kWeeksSinceLastFracture, WeeksBetween(*latest, assessed));
}

void ExtractDensity(const Intake& intake, FactValues& facts, DensityReading& reading) {
  facts.SetFlag(Fact::kHasDxa, intake.has_dxa() && intake.dxa().sites_size() > 0);
  LowestScore(intake, true, &reading.lowest_t_score, &reading.lowest_t_score_site);
  LowestScore(intake, false, &reading.lowest_z_score, &reading.lowest_z_score_site);
  if (reading.lowest_t_score) facts.Set(Fact::kLowestTScore, *reading.lowest_t_score);
  if (reading.lowest_z_score) facts.Set(Fact::kLowestZScore, *reading.lowest_z_score);
}

void ExtractFunctionalTests(const v1::FunctionalTests& tests, FactValues& facts) {
  if (tests.has_timed_up_and_go_seconds()) {
    facts.Set(Fact::kTimedUpAndGoSeconds, tests.timed_up_and_go_seconds());
  }
  if (tests.has_tandem_stance_seconds()) {
    facts.Set(Fact::kTandemStanceSeconds, tests.tandem_stance_seconds());
  }
  if (tests.has_chair_stands_30_seconds()) {
    facts.Set(Fact::kChairStands30Seconds, tests.chair_stands_30_seconds());
  }
}

void ExtractConditions(const v1::Conditions& c, FactValues& facts) {
  facts.SetFlag(Fact::kCardiovascular, c.cardiovascular());
  facts.SetFlag(Fact::kDiabetes, c.diabetes());
  facts.SetFlag(Fact::kRenal, c.renal());
  facts.SetFlag(Fact::kHypertension, c.hypertension());
  facts.SetFlag(Fact::kLungDisease, c.lung_disease());
  facts.SetFlag(Fact::kObesity, c.obesity());
  facts.SetFlag(Fact::kArthritis, c.arthritis());
  facts.SetFlag(Fact::kFrail, c.frail());
}

void ExtractSymptoms(const v1::Symptoms& s, FactValues& facts) {
  facts.SetFlag(Fact::kChestPain, s.chest_pain());
  facts.SetFlag(Fact::kDizzinessOrFainting, s.dizziness_or_fainting());
  facts.SetFlag(Fact::kNewOrSharpBackPain, s.new_or_sharp_back_pain());
  facts.SetFlag(Fact::kRadiatingPain, s.radiating_pain());
  facts.Set(Fact::kHeightLossCm, s.height_loss_cm());
  facts.SetFlag(Fact::kNewStoop, s.new_stoop());
  facts.SetFlag(Fact::kBreathlessUnableToSpeak, s.breathless_unable_to_speak());
}

void ExtractRecentHistory(const v1::RecentHistory& r, absl::CivilDay assessed, FactValues& facts) {
  absl::CivilDay surgery;
  if (ParseIsoDate(r.last_surgery_date(), &surgery)) {
    facts.Set(Fact::kWeeksSinceSurgery, WeeksBetween(surgery, assessed));
  }
  facts.SetFlag(Fact::kRecoveringFromHipFracture, r.recovering_from_hip_fracture());
  facts.SetFlag(Fact::kSpinalCordInjury, r.spinal_cord_injury());
}

}  // namespace

const std::vector<FactDefinition>& FactDefinitions() {
  static const std::vector<FactDefinition>* const definitions =
      new std::vector<FactDefinition>(MakeDefinitions());
  return *definitions;
}

const FactDefinition* FindFact(absl::string_view name) {
  for (const FactDefinition& definition : FactDefinitions()) {
    if (definition.name == name) return &definition;
  }
  return nullptr;
}

const FactDefinition& DefinitionOf(Fact fact) {
  return FactDefinitions()[static_cast<size_t>(fact)];
}

std::optional<int> SymbolValue(const FactDefinition& fact, absl::string_view symbol) {
  if (fact.symbols == nullptr) return std::nullopt;
  const google::protobuf::EnumValueDescriptor* value =
      fact.symbols->FindValueByName(absl::StrCat(fact.symbol_prefix, symbol));
  // UNSPECIFIED is never a meaningful answer to test against.
  if (value == nullptr || value->number() == 0) return std::nullopt;
  return value->number();
}

FactValues ExtractFacts(const Intake& intake, DensityReading* reading) {
  FactValues facts;
  absl::CivilDay assessed;
  ParseIsoDate(intake.assessment_date(), &assessed);  // validated by the caller

  facts.Set(Fact::kAgeYears, intake.age_years());
  facts.Set(Fact::kSex, intake.sex());
  facts.SetFlag(Fact::kPostmenopausal,
                intake.menopausal_status() == v1::MENOPAUSAL_STATUS_POSTMENOPAUSAL);
  const double metres = intake.height_cm() / 100.0;
  facts.Set(Fact::kBmi, intake.weight_kg() / (metres * metres));

  DensityReading local;
  ExtractDensity(intake, facts, reading != nullptr ? *reading : local);
  ExtractFractures(intake, assessed, facts);

  facts.Set(Fact::kFallsLast12Months, intake.falls().count_last_12_months());
  facts.SetFlag(Fact::kFallNeededMedicalAttention, intake.falls().any_needed_medical_attention());
  facts.SetFlag(Fact::kGaitOrBalanceProblem, intake.gait_or_balance_problem());
  ExtractFunctionalTests(intake.functional_tests(), facts);
  ExtractConditions(intake.conditions(), facts);
  facts.SetFlag(Fact::kGlucocorticoidUse, intake.glucocorticoid_use());
  facts.Set(Fact::kActivityDaysPerWeek, intake.current_activity().days_per_week());
  facts.Set(Fact::kActivityMinutesPerDay, intake.current_activity().minutes_per_day());
  ExtractSymptoms(intake.symptoms(), facts);
  ExtractRecentHistory(intake.recent_history(), assessed, facts);

  facts.Set(Fact::kBoneCategory, v1::BONE_CATEGORY_UNKNOWN);
  facts.Set(Fact::kBoneTreatedAs, v1::BONE_CATEGORY_UNKNOWN);
  facts.SetFlag(Fact::kSevereOsteoporosis, false);
  facts.SetFlag(Fact::kFallRisk, false);
  return facts;
}

void SetActivityFacts(const v1::RegularActivity& activity, FactValues& facts) {
  facts.Set(Fact::kRegularActivitySessionsPerWeek, activity.sessions_per_week());
  facts.Set(Fact::kRegularActivityMonths, activity.months_done());
  facts.SetFlag(Fact::kRegularActivityPain, activity.caused_pain());
  facts.SetFlag(Fact::kRegularActivityFell, activity.fell_doing_it());
}

void ClearActivityFacts(FactValues& facts) {
  facts.Clear(Fact::kRegularActivitySessionsPerWeek);
  facts.Clear(Fact::kRegularActivityMonths);
  facts.Clear(Fact::kRegularActivityPain);
  facts.Clear(Fact::kRegularActivityFell);
}

}  // namespace osteoflow::screening

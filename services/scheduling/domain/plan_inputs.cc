#include "services/scheduling/domain/plan_inputs.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/digest/content_digest.h"
#include "common/status/field_violations.h"
#include "common/text/identifiers.h"
#include "services/scheduling/domain/screening_result_validation.h"
#include "services/scheduling/encoding/plan_inputs_wire.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace common = osteoflow::common::v1;
namespace screening_v1 = osteoflow::screening::v1;

constexpr int kMaxNamedExercises = 50;
constexpr int kMaxProgressions = 200;
constexpr int kMaxEquipmentEntries = 64;
constexpr int kPlanIdHexDigits = 32;
constexpr int kEarliestYear = 2000;
constexpr int kLatestYear = 2100;

void CheckExerciseList(const google::protobuf::RepeatedPtrField<std::string>& names,
                       const std::string& field, FieldViolations& problems) {
  if (names.size() > kMaxNamedExercises) {
    problems.Add(field, absl::StrCat("at most ", kMaxNamedExercises, " entries"));
    return;
  }
  for (int i = 0; i < names.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    absl::StatusOr<std::string> id = catalog::ParseExerciseName(names[i], at);
    if (!id.ok()) problems.Add(at, "want \"exercises/{id}\"");
  }
}

void CheckPreferences(const v1::Preferences& preferences, FieldViolations& problems) {
  const int days = preferences.available_days_size();
  if (days == 0 || days > 7) {
    problems.Add("preferences.available_days", "give 1 to 7 distinct weekdays");
  } else {
    uint32_t seen = 0;
    for (int i = 0; i < days; ++i) {
      const int day = preferences.available_days(i);
      const std::string at = absl::StrCat("preferences.available_days[", i, "]");
      if (day == v1::WEEKDAY_UNSPECIFIED || !v1::Weekday_IsValid(day)) {
        problems.Add(at, "unknown or unspecified weekday");
      } else if (seen & (1u << day)) {
        problems.Add(at, "repeated");
      } else {
        seen |= 1u << day;
      }
    }
  }
  const int minutes = preferences.minutes_per_day();
  if (minutes < 10 || minutes > 240) {
    problems.Add("preferences.minutes_per_day", absl::StrCat("must be 10..240, not ", minutes));
  }
  if (preferences.equipment_size() > kMaxEquipmentEntries) {
    problems.Add("preferences.equipment", absl::StrCat("at most ", kMaxEquipmentEntries, " entries"));
  } else {
    for (int i = 0; i < preferences.equipment_size(); ++i) {
      const int item = preferences.equipment(i);
      if (item == common::EQUIPMENT_UNSPECIFIED || !common::Equipment_IsValid(item)) {
        problems.Add(absl::StrCat("preferences.equipment[", i, "]"), "unknown or unspecified equipment");
      }
    }
  }
  CheckExerciseList(preferences.enjoyed_exercises(), "preferences.enjoyed_exercises", problems);
  CheckExerciseList(preferences.disliked_exercises(), "preferences.disliked_exercises", problems);
  if (preferences.enjoyed_exercises_size() <= kMaxNamedExercises) {
    const absl::flat_hash_set<std::string> disliked(preferences.disliked_exercises().begin(),
                                                    preferences.disliked_exercises().end());
    for (int i = 0; i < preferences.enjoyed_exercises_size(); ++i) {
      if (disliked.contains(preferences.enjoyed_exercises(i))) {
        problems.Add(absl::StrCat("preferences.enjoyed_exercises[", i, "]"),
                     "also listed as disliked");
      }
    }
  }
}

void CheckRange(const std::string& field, int value, int low, int high, FieldViolations& problems) {
  if (value < low || value > high) {
    problems.Add(field, absl::StrCat("must be ", low, "..", high, ", not ", value));
  }
}

void CheckProgression(const google::protobuf::RepeatedPtrField<v1::ExerciseProgression>& progression,
                      FieldViolations& problems) {
  if (progression.size() > kMaxProgressions) {
    problems.Add("progression", absl::StrCat("at most ", kMaxProgressions, " entries"));
    return;
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < progression.size(); ++i) {
    const v1::ExerciseProgression& entry = progression[i];
    const std::string at = absl::StrCat("progression[", i, "]");
    if (!catalog::ParseExerciseName(entry.exercise(), at + ".exercise").ok()) {
      problems.Add(at + ".exercise", "want \"exercises/{id}\"");
    } else if (!seen.insert(entry.exercise()).second) {
      problems.Add(at + ".exercise", "repeated: at most one entry per exercise");
    }
    if (!std::isfinite(entry.load_kg()) || entry.load_kg() < 0 || entry.load_kg() > 500) {
      problems.Add(at + ".load_kg", "must be 0..500");
    }
    if (!common::BandLevel_IsValid(entry.band_level())) {
      problems.Add(at + ".band_level", "unknown band level");
    } else if (entry.band_level() != common::BAND_LEVEL_UNSPECIFIED && entry.load_kg() > 0) {
      problems.Add(at + ".band_level", "a band has no load in kg: give load_kg or band_level, not both");
    }
    CheckRange(at + ".weeks_at_load", entry.weeks_at_load(), 0, 520, problems);
    if (entry.sets() != 0) CheckRange(at + ".sets", entry.sets(), 1, 10, problems);
    if (entry.reps() != 0) CheckRange(at + ".reps", entry.reps(), 1, 100, problems);
    if ((entry.sets() == 0) != (entry.reps() == 0)) {
      problems.Add(at, "give sets and reps together, or neither");
    }
    if (entry.minutes() != 0) CheckRange(at + ".minutes", entry.minutes(), 1, 240, problems);
    if (entry.impacts() != 0) CheckRange(at + ".impacts", entry.impacts(), 1, 500, problems);
    if (entry.sets() == 0 && entry.minutes() == 0 && entry.impacts() == 0) {
      problems.Add(at, "give sets and reps, minutes or impacts");
    }
    if (entry.sets_before() != 0 && (entry.sets_before() < 1 || entry.sets_before() >= entry.sets())) {
      problems.Add(at + ".sets_before", "must be 1..sets-1, or 0");
    }
    if (!osteoflow::catalog::v1::BalanceLevel_IsValid(entry.balance_level())) {
      problems.Add(at + ".balance_level", "unknown value");
    } else if (entry.balance_level() == osteoflow::catalog::v1::BALANCE_LEVEL_UNSPECIFIED &&
               entry.balance_hand_support()) {
      problems.Add(at + ".balance_hand_support", "only with a balance_level");
    }
  }
}

template <typename T>
void SortUnique(google::protobuf::RepeatedField<T>* values) {
  std::sort(values->begin(), values->end());
  values->Truncate(static_cast<int>(std::unique(values->begin(), values->end()) - values->begin()));
}

void SortUnique(google::protobuf::RepeatedPtrField<std::string>* values) {
  std::sort(values->begin(), values->end());
  auto end = std::unique(values->begin(), values->end());
  while (values->end() != end) values->RemoveLast();
}

}  // namespace

absl::Status ValidateBuildRequest(const v1::BuildWeeklyPlanRequest& request) {
  FieldViolations problems;
  switch (request.screening_source_case()) {
    case v1::BuildWeeklyPlanRequest::kScreening: {
      ScreeningNameParts parts;
      if (!SplitScreeningName(request.screening(), &parts)) {
        problems.Add("screening", "want \"patients/{patient_id}/screenings/{screening_id}\"");
      } else if (!request.patient_id().empty() && request.patient_id() != parts.patient_id) {
        problems.Add("patient_id", "does not match the patient in the screening's name");
      }
      break;
    }
    case v1::BuildWeeklyPlanRequest::kScreeningResult: {
      if (request.patient_id().empty()) {
        problems.Add("patient_id", "required with screening_result");
      } else if (!IsOpaqueId(request.patient_id())) {
        problems.Add("patient_id", "must be 1-64 characters from A-Z a-z 0-9 . _ -");
      }
      problems.Include(ValidateScreeningResult(request.screening_result(), "screening_result"));
      break;
    }
    default:
      problems.Add("screening", "required: a screening's name, or screening_result");
  }
  if (!request.has_preferences()) {
    problems.Add("preferences", "required");
  } else {
    CheckPreferences(request.preferences(), problems);
  }
  absl::CivilDay start;
  if (request.week_start_date().empty()) {
    problems.Add("week_start_date", "required, YYYY-MM-DD");
  } else if (!ParseIsoDate(request.week_start_date(), &start)) {
    problems.Add("week_start_date", "not a date: want YYYY-MM-DD");
  } else if (start.year() < kEarliestYear || start.year() > kLatestYear) {
    problems.Add("week_start_date", absl::StrCat("must be in ", kEarliestYear, "..", kLatestYear));
  }
  CheckRange("week_index", request.week_index(), 1, 520, problems);
  CheckProgression(request.progression(), problems);
  return problems.ToStatus();
}

std::string PatientOf(const v1::BuildWeeklyPlanRequest& request) {
  ScreeningNameParts parts;
  if (request.has_screening_result() || !SplitScreeningName(request.screening(), &parts)) {
    return request.patient_id();
  }
  return parts.patient_id;
}

std::string CanonicalInputsWire(const v1::BuildWeeklyPlanRequest& request,
                                const screening_v1::ScreeningResult& result) {
  v1::Preferences preferences = request.preferences();
  SortUnique(preferences.mutable_available_days());
  SortUnique(preferences.mutable_equipment());
  SortUnique(preferences.mutable_enjoyed_exercises());
  SortUnique(preferences.mutable_disliked_exercises());
  std::vector<const v1::ExerciseProgression*> progression;
  progression.reserve(request.progression_size());
  for (const v1::ExerciseProgression& entry : request.progression()) progression.push_back(&entry);
  std::sort(progression.begin(), progression.end(),
            [](const v1::ExerciseProgression* a, const v1::ExerciseProgression* b) {
              return a->exercise() < b->exercise();
            });
  return PlanInputsWire({.screening_result = &result,
                         .patient_id = PatientOf(request),
                         .preferences = &preferences,
                         .week_start_date = request.week_start_date(),
                         .week_index = request.week_index(),
                         .progression = progression});
}

v1::PlanInputs CanonicalInputs(const v1::BuildWeeklyPlanRequest& request,
                               const screening_v1::ScreeningResult& result) {
  v1::PlanInputs inputs;
  inputs.ParseFromString(CanonicalInputsWire(request, result));
  return inputs;
}

namespace {

absl::Status CheckNamedExercises(
    const v1::Preferences& preferences,
    const google::protobuf::RepeatedPtrField<v1::ExerciseProgression>& progression,
    const catalog::ExerciseCatalog& catalog) {
  FieldViolations problems;
  auto check = [&](const std::string& name, const std::string& field) {
    absl::StatusOr<std::string> id = catalog::ParseExerciseName(name, field);
    if (id.ok() && catalog.Find(*id) == nullptr) {
      problems.Add(field, absl::StrCat("no exercise ", name, " in catalog ", catalog.version()));
    }
  };
  for (int i = 0; i < preferences.enjoyed_exercises_size(); ++i) {
    check(preferences.enjoyed_exercises(i), absl::StrCat("preferences.enjoyed_exercises[", i, "]"));
  }
  for (int i = 0; i < preferences.disliked_exercises_size(); ++i) {
    check(preferences.disliked_exercises(i), absl::StrCat("preferences.disliked_exercises[", i, "]"));
  }
  for (int i = 0; i < progression.size(); ++i) {
    check(progression[i].exercise(), absl::StrCat("progression[", i, "].exercise"));
  }
  return problems.ToStatus();
}

}  // namespace

absl::Status CheckAgainstCatalog(const v1::PlanInputs& inputs, const catalog::ExerciseCatalog& catalog) {
  return CheckNamedExercises(inputs.preferences(), inputs.progression(), catalog);
}

absl::Status CheckAgainstCatalog(const v1::BuildWeeklyPlanRequest& request,
                                 const catalog::ExerciseCatalog& catalog) {
  return CheckNamedExercises(request.preferences(), request.progression(), catalog);
}

std::string PlanIdOfWire(absl::string_view inputs_wire, absl::string_view catalog_digest,
                         absl::string_view plan_rules_version) {
  const std::string digest =
      Sha256(absl::StrCat(inputs_wire, "\n", catalog_digest, "\n", plan_rules_version));
  return absl::BytesToHexString(absl::string_view(digest).substr(0, kPlanIdHexDigits / 2));
}

std::string PlanId(const v1::PlanInputs& inputs, absl::string_view catalog_digest,
                   absl::string_view plan_rules_version) {
  return PlanIdOfWire(DeterministicBytes(inputs), catalog_digest, plan_rules_version);
}

std::string PlanName(absl::string_view plan_id) { return absl::StrCat("plans/", plan_id); }

absl::StatusOr<std::string> ParsePlanName(absl::string_view name) {
  constexpr absl::string_view kPrefix = "plans/";
  if (name.empty()) return InvalidField("name", "required, \"plans/{plan_id}\"");
  bool valid = absl::StartsWith(name, kPrefix) && name.size() == kPrefix.size() + kPlanIdHexDigits;
  for (size_t i = kPrefix.size(); valid && i < name.size(); ++i) {
    valid = absl::ascii_isxdigit(static_cast<unsigned char>(name[i])) &&
            !absl::ascii_isupper(static_cast<unsigned char>(name[i]));
  }
  if (!valid) return InvalidField("name", "want \"plans/{plan_id}\" with a 32-digit hex id");
  return std::string(name.substr(kPrefix.size()));
}

}  // namespace osteoflow::scheduling

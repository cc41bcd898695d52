#include "services/screening/domain/intake_validation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/field_violations.h"
#include "common/text/resource_names.h"

namespace osteoflow::screening {
namespace {

namespace v1 = osteoflow::screening::v1;

constexpr int kMinAgeYears = 18;
constexpr int kMaxAgeYears = 120;
constexpr int kEarliestYear = 1900;
constexpr int kMaxDxaSites = 4;
constexpr int kMaxFractures = 20;
constexpr int kMaxRegularActivities = 20;
constexpr int kMaxSessionsPerWeek = 21;  // three a day, every day
constexpr int kMaxMonthsDone = 1200;
constexpr size_t kMaxActivityNameLength = 80;
// Enough to list every problem an intake can have at once (its checks are
// bounded: at most 4 sites, 20 fractures and 20 activities are looked at).
constexpr size_t kMaxListed = 200;

// Inclusive bounds of a double field, written as the proto comments write them.
struct DoubleBounds {
  double min;
  double max;
  int decimals;  // 0 prints "100", 1 prints "100.0"
  const char* unit;
};

constexpr DoubleBounds kHeightCm{100, 250, 0, "centimetres"};
constexpr DoubleBounds kWeightKg{25, 350, 0, "kilograms"};
constexpr DoubleBounds kScore{-8, 8, 1, "standard deviations"};
constexpr DoubleBounds kTimedUpAndGo{3, 300, 1, "seconds"};
constexpr DoubleBounds kTandemStance{0, 300, 1, "seconds"};
constexpr DoubleBounds kHeightLossCm{0, 30, 1, "centimetres"};

// A field's path ("intake.dxa.sites[1].t_score"), spelled out only when a
// problem is reported: a valid intake, the common case, builds no strings.
class FieldPath {
 public:
  explicit FieldPath(absl::string_view root) : name_(root) {}

  FieldPath Child(absl::string_view name) const { return FieldPath(this, name, -1); }
  FieldPath Item(absl::string_view name, int index) const { return FieldPath(this, name, index); }

  std::string str() const {
    std::string path = parent_ != nullptr ? parent_->str() : std::string();
    if (!path.empty() && !name_.empty()) path.push_back('.');
    absl::StrAppend(&path, name_);
    if (index_ >= 0) absl::StrAppend(&path, "[", index_, "]");
    return path;
  }

 private:
  FieldPath(const FieldPath* parent, absl::string_view name, int index)
      : parent_(parent), name_(name), index_(index) {}

  const FieldPath* parent_ = nullptr;
  absl::string_view name_;
  int index_ = -1;
};

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// Adds the problem and reports whether the value was in bounds, so callers
// can skip consistency checks that would only repeat it.
bool CheckIntRange(int64_t value, int64_t min, int64_t max, absl::string_view unit,
                   const FieldPath& at, FieldViolations& problems) {
  if (value >= min && value <= max) return true;
  problems.Add(at.str(), absl::StrCat("must be between ", min, " and ", max, " (", unit, ")"));
  return false;
}

void CheckDoubleRange(double value, const DoubleBounds& bounds, const FieldPath& at,
                      FieldViolations& problems) {
  // NaN compares false with everything, so it must be caught before the bounds.
  if (!std::isfinite(value)) {
    problems.Add(at.str(), absl::StrCat("must be a finite number (", bounds.unit, ")"));
    return;
  }
  if (value >= bounds.min && value <= bounds.max) return;
  problems.Add(at.str(), absl::StrFormat("must be between %.*f and %.*f (%s)", bounds.decimals,
                                   bounds.min, bounds.decimals, bounds.max, bounds.unit));
}

// proto3 enums are open: an unknown number arrives as-is, so both "missing"
// (UNSPECIFIED, 0) and "unknown" have to be caught.
template <typename IsValid>
void CheckRequiredEnum(int value, IsValid is_valid, const FieldPath& at,
                       FieldViolations& problems) {
  if (value == 0) {
    problems.Add(at.str(), "required");
  } else if (!is_valid(value)) {
    problems.Add(at.str(), absl::StrCat("not a known value (", value, ")"));
  }
}

// The earliest day the person can have been born: someone aged `age` on
// `assessment` turned age+1 after it, so they were born after the day that is
// age+1 years before it. On Feb 29 that day does not exist in most years;
// Feb 28 is the last day that is too early then.
absl::CivilDay EarliestBirthDay(absl::CivilDay assessment, int age) {
  const absl::civil_year_t year = assessment.year() - (age + 1);
  absl::CivilDay too_early(year, assessment.month(), assessment.day());
  if (too_early.day() != assessment.day()) {
    // Normalised into the next month: step back to the last day of the month.
    too_early = absl::CivilDay(too_early.year(), too_early.month(), 1) - 1;
  }
  return too_early + 1;
}

// What every event date is compared against; either bound is absent when the
// field it comes from is itself invalid (that problem is reported once, there).
struct DateLimits {
  std::optional<absl::CivilDay> assessment;
  std::optional<absl::CivilDay> earliest_birth;
  int age_years = 0;  // for the message: "age 70 at 2026-11-01"
};

// A well-formed day from 1900 on, or nullopt with the problem added.
std::optional<absl::CivilDay> CheckDateText(const std::string& text, const FieldPath& at,
                                            FieldViolations& problems) {
  if (text.empty()) {
    problems.Add(at.str(), "required");
    return std::nullopt;
  }
  absl::CivilDay day;
  if (!ParseIsoDate(text, &day)) {
    problems.Add(at.str(), "not a date: want YYYY-MM-DD");
    return std::nullopt;
  }
  if (day.year() < kEarliestYear) {
    problems.Add(at.str(), absl::StrCat("must be in ", kEarliestYear, " or later"));
    return std::nullopt;
  }
  return day;
}

// A date of something that happened to the person: on or before the
// assessment and not before they were born.
void CheckEventDate(const std::string& text, const FieldPath& at, const DateLimits& limits,
                    FieldViolations& problems) {
  const std::optional<absl::CivilDay> day = CheckDateText(text, at, problems);
  if (!day.has_value()) return;
  if (limits.assessment.has_value() && *day > *limits.assessment) {
    problems.Add(at.str(),
                 absl::StrCat("must not be after the assessment date ", Day(*limits.assessment)));
  }
  if (limits.earliest_birth.has_value() && *day < *limits.earliest_birth) {
    problems.Add(at.str(), absl::StrCat("before the person was born (age ", limits.age_years,
                                        " at ", Day(*limits.assessment), ")"));
  }
}

void CheckPatientId(const std::string& id, const FieldPath& at, FieldViolations& problems) {
  if (id.empty()) {
    problems.Add(at.str(), "required");
  } else if (!IsOpaqueId(id)) {
    problems.Add(at.str(), "must be 1-64 characters from A-Z a-z 0-9 . _ -");
  }
}

std::optional<absl::CivilDay> CheckAssessmentDate(const std::string& text, absl::CivilDay today,
                                                  const FieldPath& at,
                                                  FieldViolations& problems) {
  const std::optional<absl::CivilDay> day = CheckDateText(text, at, problems);
  if (day.has_value() && *day > today) {
    problems.Add(at.str(), absl::StrCat("must not be in the future (today is ", Day(today), ")"));
  }
  // A future day is still a day: other dates can be compared with it.
  return day;
}

bool CheckAge(int age, const FieldPath& at, FieldViolations& problems) {
  if (age == 0) {
    problems.Add(at.str(), "required");
    return false;
  }
  return CheckIntRange(age, kMinAgeYears, kMaxAgeYears, "years", at, problems);
}

void CheckSexAndMenopause(const v1::Intake& intake, const FieldPath& root,
                          FieldViolations& problems) {
  CheckRequiredEnum(intake.sex(), v1::Sex_IsValid, root.Child("sex"), problems);
  const FieldPath at = root.Child("menopausal_status");
  const int status = intake.menopausal_status();
  if (!v1::MenopausalStatus_IsValid(status)) {
    problems.Add(at.str(), absl::StrCat("not a known value (", status, ")"));
    return;
  }
  // Only a known non-female sex contradicts it; a missing sex is reported on
  // its own field.
  if (status != v1::MENOPAUSAL_STATUS_UNSPECIFIED && intake.sex() == v1::SEX_MALE) {
    problems.Add(at.str(), "only for women: leave it unset when sex is SEX_MALE");
  }
}

// Required measurements: 0 is the proto default, so it means "not given".
void CheckRequiredMeasure(double value, const DoubleBounds& bounds, const FieldPath& at,
                          FieldViolations& problems) {
  if (value == 0) {
    problems.Add(at.str(), "required");
    return;
  }
  CheckDoubleRange(value, bounds, at, problems);
}

void CheckDxaSite(const v1::DxaSiteResult& result, const FieldPath& at,
                  FieldViolations& problems) {
  CheckRequiredEnum(result.site(), v1::SkeletalSite_IsValid, at.Child("site"), problems);
  if (!result.has_t_score() && !result.has_z_score()) {
    problems.Add(at.str(), "needs a t_score or a z_score");
  }
  if (result.has_t_score()) {
    CheckDoubleRange(result.t_score(), kScore, at.Child("t_score"), problems);
  }
  if (result.has_z_score()) {
    CheckDoubleRange(result.z_score(), kScore, at.Child("z_score"), problems);
  }
}

void CheckDxa(const v1::DxaScan& dxa, const FieldPath& at, const DateLimits& limits,
              FieldViolations& problems) {
  CheckEventDate(dxa.scan_date(), at.Child("scan_date"), limits, problems);
  const FieldPath sites_at = at.Child("sites");
  if (dxa.sites_size() == 0) {
    problems.Add(sites_at.str(), "at least one site is required");
  } else if (dxa.sites_size() > kMaxDxaSites) {
    problems.Add(sites_at.str(),
                 absl::StrCat("at most ", kMaxDxaSites, " sites (got ", dxa.sites_size(), ")"));
  }
  // Bounded work for an oversized list: the excess is already reported.
  const int checked = std::min(dxa.sites_size(), kMaxDxaSites);
  absl::flat_hash_map<int, int> first_index_of_site;
  for (int i = 0; i < checked; ++i) {
    const v1::DxaSiteResult& result = dxa.sites(i);
    const FieldPath site_at = at.Item("sites", i);
    CheckDxaSite(result, site_at, problems);
    if (result.site() == v1::SKELETAL_SITE_UNSPECIFIED) continue;
    const auto [it, inserted] = first_index_of_site.emplace(result.site(), i);
    if (!inserted) {
      problems.Add(site_at.Child("site").str(),
                   absl::StrCat("site given twice (also at sites[", it->second, "])"));
    }
  }
}

void CheckFractures(const v1::Intake& intake, const FieldPath& root, const DateLimits& limits,
                    FieldViolations& problems) {
  if (intake.fractures_size() > kMaxFractures) {
    problems.Add(
        root.Child("fractures").str(),
        absl::StrCat("at most ", kMaxFractures, " fractures (got ", intake.fractures_size(), ")"));
  }
  const int checked = std::min(intake.fractures_size(), kMaxFractures);
  for (int i = 0; i < checked; ++i) {
    const v1::Fracture& fracture = intake.fractures(i);
    const FieldPath at = root.Item("fractures", i);
    CheckRequiredEnum(fracture.site(), v1::FractureSite_IsValid, at.Child("site"), problems);
    CheckEventDate(fracture.date(), at.Child("date"), limits, problems);
  }
}

void CheckFalls(const v1::FallHistory& falls, const FieldPath& at, FieldViolations& problems) {
  const bool count_ok = CheckIntRange(falls.count_last_12_months(), 0, 365, "falls",
                                      at.Child("count_last_12_months"), problems);
  if (count_ok && falls.any_needed_medical_attention() && falls.count_last_12_months() < 1) {
    problems.Add(at.Child("any_needed_medical_attention").str(),
                 "requires count_last_12_months of at least 1");
  }
}

void CheckFunctionalTests(const v1::FunctionalTests& tests, const FieldPath& at,
                          FieldViolations& problems) {
  if (tests.has_timed_up_and_go_seconds()) {
    CheckDoubleRange(tests.timed_up_and_go_seconds(), kTimedUpAndGo,
                     at.Child("timed_up_and_go_seconds"), problems);
  }
  if (tests.has_tandem_stance_seconds()) {
    CheckDoubleRange(tests.tandem_stance_seconds(), kTandemStance,
                     at.Child("tandem_stance_seconds"), problems);
  }
  if (tests.has_chair_stands_30_seconds()) {
    CheckIntRange(tests.chair_stands_30_seconds(), 0, 60, "stands",
                  at.Child("chair_stands_30_seconds"), problems);
  }
}

void CheckActivity(const v1::CurrentActivity& activity, const FieldPath& at,
                   FieldViolations& problems) {
  const bool days_ok =
      CheckIntRange(activity.days_per_week(), 0, 7, "days", at.Child("days_per_week"), problems);
  const FieldPath minutes_at = at.Child("minutes_per_day");
  const bool minutes_ok =
      CheckIntRange(activity.minutes_per_day(), 0, 600, "minutes", minutes_at, problems);
  if (days_ok && minutes_ok && activity.days_per_week() == 0 && activity.minutes_per_day() > 0) {
    problems.Add(minutes_at.str(), "must be 0 when days_per_week is 0");
  }
}

// A name in the person's words: printable text, so that it cannot smuggle
// line breaks or control codes into anything that shows it.
void CheckActivityName(const std::string& name, const FieldPath& at, FieldViolations& problems) {
  if (name.empty()) {
    problems.Add(at.str(), "required: the activity in a few words");
  } else if (name.size() > kMaxActivityNameLength) {
    problems.Add(at.str(), absl::StrCat("at most ", kMaxActivityNameLength, " bytes"));
  } else if (std::any_of(name.begin(), name.end(), [](char c) {
               return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
             })) {
    problems.Add(at.str(), "must not hold control characters");
  }
}

void CheckRegularActivity(const v1::RegularActivity& activity, const v1::Intake& intake,
                          const FieldPath& at, FieldViolations& problems) {
  switch (activity.activity_case()) {
    case v1::RegularActivity::kExercise:
      if (!SplitResourceName(activity.exercise(), "exercises/{id}", "").ok()) {
        problems.Add(at.Child("exercise").str(), "want \"exercises/{id}\", a catalog entry");
      }
      break;
    case v1::RegularActivity::kOtherName:
      CheckActivityName(activity.other_name(), at.Child("other_name"), problems);
      break;
    case v1::RegularActivity::ACTIVITY_NOT_SET:
      problems.Add(at.str(), "required: an exercise or an other_name");
      break;
  }
  CheckIntRange(activity.sessions_per_week(), 1, kMaxSessionsPerWeek, "sessions a week",
                at.Child("sessions_per_week"), problems);
  const FieldPath months_at = at.Child("months_done");
  // Judged only against a valid age (an invalid one is reported on its own
  // field), which also keeps the product in range.
  const int age = intake.age_years();
  if (CheckIntRange(activity.months_done(), 0, kMaxMonthsDone, "months", months_at, problems) &&
      age >= kMinAgeYears && age <= kMaxAgeYears && activity.months_done() > age * 12) {
    problems.Add(months_at.str(), absl::StrCat("more than the person's age (", age, " years) in months"));
  }
  if (activity.fell_doing_it() && intake.falls().count_last_12_months() < 1) {
    problems.Add(at.Child("fell_doing_it").str(),
                 "such a fall counts in falls.count_last_12_months, which is 0");
  }
}

void CheckRegularActivities(const v1::Intake& intake, const FieldPath& root,
                            FieldViolations& problems) {
  if (intake.regular_activities_size() > kMaxRegularActivities) {
    problems.Add(root.Child("regular_activities").str(),
                 absl::StrCat("at most ", kMaxRegularActivities, " activities (got ",
                              intake.regular_activities_size(), ")"));
  }
  const int checked = std::min(intake.regular_activities_size(), kMaxRegularActivities);
  absl::flat_hash_map<absl::string_view, int> first_index_of_exercise;
  for (int i = 0; i < checked; ++i) {
    const v1::RegularActivity& activity = intake.regular_activities(i);
    const FieldPath at = root.Item("regular_activities", i);
    CheckRegularActivity(activity, intake, at, problems);
    if (activity.activity_case() != v1::RegularActivity::kExercise) continue;
    // One answer per activity: two could disagree about pain or falls.
    const auto [it, inserted] = first_index_of_exercise.emplace(activity.exercise(), i);
    if (!inserted) {
      problems.Add(at.Child("exercise").str(),
                   absl::StrCat("given twice (also at regular_activities[", it->second, "])"));
    }
  }
}

void CheckRecentHistory(const v1::RecentHistory& history, const FieldPath& at,
                        const DateLimits& limits, FieldViolations& problems) {
  // Optional: empty means no surgery.
  if (history.last_surgery_date().empty()) return;
  CheckEventDate(history.last_surgery_date(), at.Child("last_surgery_date"), limits, problems);
}

}  // namespace

absl::Status ValidateIntake(const v1::Intake& intake, absl::CivilDay today,
                            absl::string_view field) {
  FieldViolations problems(kMaxListed);
  const FieldPath root(field);
  CheckPatientId(intake.patient_id(), root.Child("patient_id"), problems);

  DateLimits limits;
  limits.assessment = CheckAssessmentDate(intake.assessment_date(), today,
                                          root.Child("assessment_date"), problems);
  const bool age_ok = CheckAge(intake.age_years(), root.Child("age_years"), problems);
  if (limits.assessment.has_value() && age_ok) {
    limits.earliest_birth = EarliestBirthDay(*limits.assessment, intake.age_years());
    limits.age_years = intake.age_years();
  }

  CheckSexAndMenopause(intake, root, problems);
  CheckRequiredMeasure(intake.height_cm(), kHeightCm, root.Child("height_cm"), problems);
  CheckRequiredMeasure(intake.weight_kg(), kWeightKg, root.Child("weight_kg"), problems);
  if (intake.has_dxa()) CheckDxa(intake.dxa(), root.Child("dxa"), limits, problems);
  CheckFractures(intake, root, limits, problems);
  CheckFalls(intake.falls(), root.Child("falls"), problems);
  CheckFunctionalTests(intake.functional_tests(), root.Child("functional_tests"), problems);
  CheckActivity(intake.current_activity(), root.Child("current_activity"), problems);
  CheckRegularActivities(intake, root, problems);
  CheckDoubleRange(intake.symptoms().height_loss_cm(), kHeightLossCm,
                   root.Child("symptoms").Child("height_loss_cm"), problems);
  CheckRecentHistory(intake.recent_history(), root.Child("recent_history"), limits, problems);
  return problems.ToStatus();
}

}  // namespace osteoflow::screening

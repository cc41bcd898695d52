#include "bench/cohort/cohort_patient.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/cli/json_input.h"

namespace osteoflow::bench {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace common = osteoflow::common::v1;

std::string Date(absl::CivilDay day) { return absl::FormatCivilTime(day); }

}  // namespace

absl::StatusOr<std::vector<SamplePatient>> ReadSamplePatients(const std::string& directory) {
  std::vector<SamplePatient> samples;
  std::error_code error;
  std::vector<std::filesystem::path> intakes;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(directory) / "intakes", error)) {
    if (entry.path().extension() == ".json") intakes.push_back(entry.path());
  }
  if (error) return absl::InvalidArgumentError(absl::StrCat("samples: ", error.message()));
  std::sort(intakes.begin(), intakes.end());
  for (const std::filesystem::path& intake : intakes) {
    SamplePatient sample;
    sample.name = intake.stem().string();
    const std::filesystem::path preferences =
        std::filesystem::path(directory) / "preferences" / intake.filename();
    if (absl::Status read = osteoflow::tools::ReadJsonFile(intake.string(), sample.enrolment.mutable_intake());
        !read.ok()) {
      return read;
    }
    if (absl::Status read =
            osteoflow::tools::ReadJsonFile(preferences.string(), sample.enrolment.mutable_preferences());
        !read.ok()) {
      return read;
    }
    samples.push_back(std::move(sample));
  }
  if (samples.empty()) return absl::InvalidArgumentError(absl::StrCat("samples: no intakes in ", directory));
  return samples;
}

v1::EnrollRequest CohortEnrolment(const std::vector<SamplePatient>& samples, uint64_t seed, int index,
                                  const std::string& run, absl::CivilDay start) {
  std::mt19937_64 random(seed * 1000003u + static_cast<uint64_t>(index));
  const auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  v1::EnrollRequest request = samples[static_cast<size_t>(pick(0, static_cast<int>(samples.size()) - 1))].enrolment;

  auto& intake = *request.mutable_intake();
  const std::string patient = absl::StrFormat("cohort-%s-%06d", run, index);
  intake.set_patient_id(patient);
  intake.set_age_years(std::max(intake.age_years() + pick(-6, 12), 40));
  intake.set_assessment_date(Date(start - 7));
  if (intake.has_dxa()) {
    intake.mutable_dxa()->set_scan_date(Date(start - 30));
    const double shift = pick(-5, 5) / 10.0;  // bone density a little either way
    for (auto& site : *intake.mutable_dxa()->mutable_sites()) {
      if (site.has_t_score()) site.set_t_score(std::round((site.t_score() + shift) * 10) / 10);
    }
  }
  // Falls vary only where the sample reported none needing attention.
  if (!intake.falls().any_needed_medical_attention()) intake.mutable_falls()->set_count_last_12_months(pick(0, 2));

  auto& preferences = *request.mutable_preferences();
  std::vector<int> days = {scheduling_v1::WEEKDAY_MONDAY,   scheduling_v1::WEEKDAY_TUESDAY,
                           scheduling_v1::WEEKDAY_WEDNESDAY, scheduling_v1::WEEKDAY_THURSDAY,
                           scheduling_v1::WEEKDAY_FRIDAY,   scheduling_v1::WEEKDAY_SATURDAY,
                           scheduling_v1::WEEKDAY_SUNDAY};
  std::shuffle(days.begin(), days.end(), random);
  days.resize(static_cast<size_t>(pick(2, 5)));
  std::sort(days.begin(), days.end());
  preferences.clear_available_days();
  for (const int day : days) preferences.add_available_days(static_cast<scheduling_v1::Weekday>(day));
  constexpr int kMinutes[] = {20, 30, 40, 45, 60};
  preferences.set_minutes_per_day(kMinutes[pick(0, 4)]);
  preferences.clear_equipment();
  for (const common::Equipment equipment :
       {common::EQUIPMENT_DUMBBELLS, common::EQUIPMENT_RESISTANCE_BAND, common::EQUIPMENT_CHAIR}) {
    if (pick(0, 2) > 0) preferences.add_equipment(equipment);
  }

  request.set_start_date(Date(start));
  request.set_request_id(absl::StrCat(patient, "-enrol"));
  return request;
}

}  // namespace osteoflow::bench

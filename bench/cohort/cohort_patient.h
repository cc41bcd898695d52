#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "osteoflow/progress/v1/progress_service.pb.h"

namespace osteoflow::bench {

// A sample patient the cohort is drawn from: an intake and its preferences
// as the samples directory holds them.
struct SamplePatient {
  std::string name;
  osteoflow::progress::v1::EnrollRequest enrolment;
};

// Every intakes/NAME.json with its preferences/NAME.json under `directory`.
absl::StatusOr<std::vector<SamplePatient>> ReadSamplePatients(const std::string& directory);

// Patient `index` of a generated cohort: a sample picked and varied (age,
// bone density, falls, days, minutes a day, equipment) from `seed` and `index` alone, so a run is
// repeatable. Its programme starts on `start` (a Monday), assessed a week
// before; its ids are opaque and carry `run`.
osteoflow::progress::v1::EnrollRequest CohortEnrolment(const std::vector<SamplePatient>& samples, uint64_t seed,
                                                       int index, const std::string& run, absl::CivilDay start);

}  // namespace osteoflow::bench

#include "fuzz/support/in_process_suite.h"

#include <cstdio>
#include <cstdlib>

#include "fuzz/support/progress_peers.h"
#include "fuzz/support/scheduling_peers.h"

namespace osteoflow::fuzz {
namespace {

namespace screening_v1 = osteoflow::screening::v1;
namespace progress_v1 = osteoflow::progress::v1;

// Few current weeks kept: each input has fresh use cases anyway.
constexpr size_t kCurrentWeeksKept = 16;

void StopUnless(const absl::Status& status, const std::string& what) {
  if (status.ok()) return;
  std::fprintf(stderr, "fuzz: %s: %s\n", what.c_str(), status.ToString().c_str());
  std::abort();
}

}  // namespace

std::shared_ptr<screening::Screenings> NewScreenings(std::shared_ptr<MemoryScreeningStore> store) {
  return std::make_shared<screening::Screenings>(Shipped().rule_set, std::move(store), FuzzNow);
}

const MemoryScreeningStore& ScreenedSamples() {
  static const MemoryScreeningStore* const screened = [] {
    auto store = std::make_shared<MemoryScreeningStore>();
    std::shared_ptr<screening::Screenings> screenings = NewScreenings(store);
    for (const SamplePatient& patient : SamplePatients()) {
      screening_v1::ScreenRequest request;
      request.set_request_id(kSampleRequestId);
      *request.mutable_intake() = patient.intake;
      std::string wire;
      StopUnless(screenings->Screen(request, &wire), "screening sample " + patient.name);
    }
    return new MemoryScreeningStore(*store);
  }();
  return *screened;
}

std::string SampleScreeningName(const SamplePatient& patient) {
  const std::string& patient_id = patient.intake.patient_id();
  return screening::ScreeningName(patient_id, screening::ScreeningIdFor(patient_id, kSampleRequestId));
}

scheduling::WeeklyPlans& SchedulingInProcessSuite() {
  static scheduling::WeeklyPlans* const plans = new scheduling::WeeklyPlans(
      Shipped().plan_rules, std::make_shared<HeldCatalog>(Shipped().catalog),
      std::make_shared<ScreeningsByName>(NewScreenings(std::make_shared<MemoryScreeningStore>(ScreenedSamples()))),
      std::make_shared<NoPlanCache>());
  return *plans;
}

namespace {

// The progress use cases over these stores, with their peers in process.
std::unique_ptr<progress::Programs> ProgramsOver(std::shared_ptr<MemoryProgramStore> programs_store,
                                                 std::shared_ptr<MemoryScreeningStore> screenings_store) {
  // The scheduling suite lives as long as the process.
  std::shared_ptr<scheduling::WeeklyPlans> plans(&SchedulingInProcessSuite(), [](scheduling::WeeklyPlans*) {});
  return std::make_unique<progress::Programs>(
      std::move(programs_store), std::make_shared<ScreeningInProcess>(NewScreenings(std::move(screenings_store))),
      std::make_shared<SchedulingInProcess>(std::move(plans)), Shipped().progression_rules, FuzzNow,
      kCurrentWeeksKept);
}

}  // namespace

const EnrolledSamples& EnrolledSamples::Get() {
  static const EnrolledSamples* const enrolled = [] {
    auto programs_store = std::make_shared<MemoryProgramStore>();
    auto screenings_store = std::make_shared<MemoryScreeningStore>();
    std::unique_ptr<progress::Programs> programs = ProgramsOver(programs_store, screenings_store);
    auto* samples = new EnrolledSamples;
    for (const SamplePatient& patient : SamplePatients()) {
      progress_v1::EnrollRequest request;
      request.set_request_id(kSampleRequestId);
      *request.mutable_intake() = patient.intake;
      *request.mutable_preferences() = patient.preferences;
      request.set_start_date(kProgramStart);
      StopUnless(programs->Enroll(request, &samples->programs_.emplace_back()), "enrolling sample " + patient.name);
    }
    samples->programs_store_ = *programs_store;
    samples->screenings_store_ = *screenings_store;
    return samples;
  }();
  return *enrolled;
}

std::unique_ptr<progress::Programs> EnrolledSamples::FreshPrograms() const {
  return ProgramsOver(std::make_shared<MemoryProgramStore>(programs_store_),
                      std::make_shared<MemoryScreeningStore>(screenings_store_));
}

}  // namespace osteoflow::fuzz

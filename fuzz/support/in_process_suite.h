#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fuzz/support/memory_program_store.h"
#include "fuzz/support/memory_screening_store.h"
#include "fuzz/support/shipped_data.h"
#include "services/progress/domain/programs.h"
#include "services/scheduling/domain/weekly_plans.h"
#include "services/screening/domain/screenings.h"

// The services' use cases wired together in one process over in-memory
// stores, with the shipped data and the fuzz clock: what the request targets
// call instead of servers.
namespace osteoflow::fuzz {

// The request_id each sample patient was screened and enrolled with.
inline constexpr char kSampleRequestId[] = "fuzz-sample";

// The screening use cases over `store`.
std::shared_ptr<screening::Screenings> NewScreenings(std::shared_ptr<MemoryScreeningStore> store);

// A store holding each sample patient's screening (request kSampleRequestId).
const MemoryScreeningStore& ScreenedSamples();
// The name of a sample patient's stored screening.
std::string SampleScreeningName(const SamplePatient& patient);

// Scheduling's use cases: the shipped catalog held, no plan cache, and
// screenings by name read from ScreenedSamples. Built once; they keep
// nothing between calls but the planner's view of the catalog.
scheduling::WeeklyPlans& SchedulingInProcessSuite();

// Every sample patient enrolled from kProgramStart (request
// kSampleRequestId): active programmes, and a referred one for the sample
// with red flags.
class EnrolledSamples {
 public:
  static const EnrolledSamples& Get();

  // The progress use cases over copies of the stores as enrolment left
  // them: each input starts from the same programmes, whatever the one
  // before it stored.
  std::unique_ptr<progress::Programs> FreshPrograms() const;

  // Each sample patient's programme, as enrolment answered it.
  const std::vector<osteoflow::progress::v1::Program>& programs() const { return programs_; }

 private:
  EnrolledSamples() = default;

  MemoryProgramStore programs_store_;
  MemoryScreeningStore screenings_store_;
  std::vector<osteoflow::progress::v1::Program> programs_;
};

}  // namespace osteoflow::fuzz

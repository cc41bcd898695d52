// The progression-rules file loader (LoadProgressionRulesFile: LoadDataFile's
// read and JSON parse, then the rules' validation) fed arbitrary bytes.
// Rules it accepts then decide week 2 for each sample patient's programme,
// from a week 1 logged as planned.
#include <vector>

#include "fuzz/support/in_process_suite.h"
#include "fuzz/support/scratch_file.h"
#include "services/progress/domain/progression.h"
#include "services/progress/domain/progression_rules.h"
#include "tools/cli/simulated_week.h"

namespace v1 = osteoflow::progress::v1;

namespace {

// Week 1 of an enrolled programme, every planned day logged, strength sets
// above the top of their range (so loads go up).
struct LoggedWeek {
  const v1::Program* program;
  std::vector<v1::SessionLog> logs;
};

const std::vector<LoggedWeek>& SampleWeeks() {
  static const std::vector<LoggedWeek>* const weeks = [] {
    auto* logged = new std::vector<LoggedWeek>;
    const absl::CivilDay last_day = absl::ToCivilDay(osteoflow::fuzz::FuzzNow(), absl::UTCTimeZone());
    for (const v1::Program& program : osteoflow::fuzz::EnrolledSamples::Get().programs()) {
      if (!program.has_current_plan()) continue;
      logged->push_back({&program, osteoflow::tools::SessionsAsPlanned(program.current_plan(), 13,
                                                                       osteoflow::tools::FirstLoads{}, last_day)});
    }
    return logged;
  }();
  return *weeks;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<LoggedWeek>& weeks = SampleWeeks();
  auto loaded = osteoflow::progress::LoadProgressionRulesFile(osteoflow::fuzz::WriteScratchFile(data, size));
  if (!loaded.ok()) return 0;
  for (const LoggedWeek& week : weeks) {
    (void)osteoflow::progress::ProgressWeek(week.program->current_plan(), week.logs, week.program->progression(),
                                            **loaded, 2);
  }
  return 0;
}

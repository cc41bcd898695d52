// BuildWeeklyPlan from a call's raw bytes: request validation (preferences,
// dates, progression, an inline screening result checked like screening's
// own output, or a screening by name), the catalog checks and the weekly
// planner with the shipped catalog and plan rules.
//
// The server answers through BuildQuickly (and the rest it returns); Build
// is the same request the long way. Both must give the same answer.
#include <cstdio>
#include <cstdlib>
#include <variant>

#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/in_process_suite.h"

namespace v1 = osteoflow::scheduling::v1;
using osteoflow::scheduling::WeeklyPlans;

namespace {

absl::Status AsServed(WeeklyPlans& plans, const v1::BuildWeeklyPlanRequest& request, std::string* plan) {
  std::variant<absl::Status, WeeklyPlans::Rest> outcome = plans.BuildQuickly(request, plan);
  if (const absl::Status* answered = std::get_if<absl::Status>(&outcome)) return *answered;
  return std::get<WeeklyPlans::Rest>(outcome)(plan);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  WeeklyPlans& plans = osteoflow::fuzz::SchedulingInProcessSuite();
  osteoflow::fuzz::AnswerFuzzedCall<v1::BuildWeeklyPlanRequest, v1::WeeklyPlan, std::string>(
      data, size, [&](const v1::BuildWeeklyPlanRequest& request, std::string* answer) {
        const absl::Status served = AsServed(plans, request, answer);
        std::string again;
        const absl::Status built = plans.Build(request, &again);
        if (served.code() != built.code() || (served.ok() && *answer != again)) {
          std::fprintf(stderr, "fuzz: BuildQuickly answered %s, Build %s\n", served.ToString().c_str(),
                       built.ToString().c_str());
          std::abort();
        }
        return served;
      });
  return 0;
}

// ValidateIntake from a call's raw bytes: every bound and consistency rule
// of the intake, then the rule engine's preview with the shipped rules.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/in_process_suite.h"

namespace v1 = osteoflow::screening::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A preview stores nothing: one set of use cases serves every input.
  static const auto screenings =
      osteoflow::fuzz::NewScreenings(std::make_shared<osteoflow::fuzz::MemoryScreeningStore>());
  osteoflow::fuzz::AnswerFuzzedCall<v1::ValidateIntakeRequest, v1::ValidateIntakeResponse, std::string>(
      data, size, [](const v1::ValidateIntakeRequest& request, std::string* answer) {
        return screenings->Preview(request, answer);
      });
  return 0;
}

// Screen from a call's raw bytes: request id and intake validation, the
// rule engine with the shipped rules, and the record stored (in memory).
// Each input starts from an empty store, so a finding replays alone.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/in_process_suite.h"

namespace v1 = osteoflow::screening::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto screenings = osteoflow::fuzz::NewScreenings(std::make_shared<osteoflow::fuzz::MemoryScreeningStore>());
  osteoflow::fuzz::AnswerFuzzedCall<v1::ScreenRequest, v1::Screening, std::string>(
      data, size, [&](const v1::ScreenRequest& request, std::string* answer) {
        return screenings->Screen(request, answer);
      });
  return 0;
}

// A session log from a call's raw bytes: the programme name, request id,
// date, items against the current week's plan, symptoms and falls (which
// pause the programme), over the sample patients' enrolled programmes.
// Each input starts from the programmes as enrolment stored them.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/in_process_suite.h"

namespace v1 = osteoflow::progress::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<osteoflow::progress::Programs> programs =
      osteoflow::fuzz::EnrolledSamples::Get().FreshPrograms();
  osteoflow::fuzz::AnswerFuzzedCall<v1::LogSessionRequest, v1::SessionLog, v1::SessionLog>(
      data, size, [&](const v1::LogSessionRequest& request, v1::SessionLog* answer) {
        return programs->LogSession(request, answer);
      });
  return 0;
}

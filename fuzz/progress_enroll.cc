// Enrolment from a call's raw bytes: request id, intake and preferences
// checked, the intake previewed and screened by the screening use cases and
// week 1 planned by the scheduling use cases, all in process, and the
// programme stored (in memory).
// Each input starts from the programmes as enrolment stored them.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/in_process_suite.h"

namespace v1 = osteoflow::progress::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<osteoflow::progress::Programs> programs =
      osteoflow::fuzz::EnrolledSamples::Get().FreshPrograms();
  osteoflow::fuzz::AnswerFuzzedCall<v1::EnrollRequest, v1::Program, v1::Program>(
      data, size, [&](const v1::EnrollRequest& request, v1::Program* answer) {
        return programs->Enroll(request, answer);
      });
  return 0;
}

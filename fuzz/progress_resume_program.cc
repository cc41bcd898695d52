// ResumeProgram from a call's raw bytes: the clinician's id, clearance time
// and note checked, then a referred or active programme resumed (planning
// week 1 of a referred one).
// Each input starts from the programmes as enrolment stored them.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/in_process_suite.h"

namespace v1 = osteoflow::progress::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<osteoflow::progress::Programs> programs =
      osteoflow::fuzz::EnrolledSamples::Get().FreshPrograms();
  osteoflow::fuzz::AnswerFuzzedCall<v1::ResumeProgramRequest, v1::Program, v1::Program>(
      data, size, [&](const v1::ResumeProgramRequest& request, v1::Program* answer) {
        return programs->Resume(request, answer);
      });
  return 0;
}

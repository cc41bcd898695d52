// ListPrograms from a call's raw bytes: the parent's name, page size and page
// token (bound to its patient), over the sample patients' enrolled programmes.
// Each input starts from the programmes as enrolment stored them.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/in_process_suite.h"

namespace v1 = osteoflow::progress::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<osteoflow::progress::Programs> programs =
      osteoflow::fuzz::EnrolledSamples::Get().FreshPrograms();
  osteoflow::fuzz::AnswerFuzzedCall<v1::ListProgramsRequest, v1::ListProgramsResponse, v1::ListProgramsResponse>(
      data, size, [&](const v1::ListProgramsRequest& request, v1::ListProgramsResponse* answer) {
        return programs->List(request, answer);
      });
  return 0;
}

// A measurement from a call's raw bytes: the programme name, request id,
// date, densitometry, height (a loss is a red flag), weight and functional
// tests, over the sample patients' enrolled programmes.
// Each input starts from the programmes as enrolment stored them.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/in_process_suite.h"

namespace v1 = osteoflow::progress::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<osteoflow::progress::Programs> programs =
      osteoflow::fuzz::EnrolledSamples::Get().FreshPrograms();
  osteoflow::fuzz::AnswerFuzzedCall<v1::RecordMeasurementRequest, v1::Measurement, v1::Measurement>(
      data, size, [&](const v1::RecordMeasurementRequest& request, v1::Measurement* answer) {
        return programs->RecordMeasurement(request, answer);
      });
  return 0;
}

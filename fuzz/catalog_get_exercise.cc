// GetExercise from a call's raw bytes: the request parsed as the server
// parses it, the exercise name checked and looked up in the shipped catalog.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/shipped_data.h"
#include "services/catalog/domain/catalog_queries.h"

namespace v1 = osteoflow::catalog::v1;
using osteoflow::BorrowedWire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const osteoflow::catalog::CatalogQueries queries(osteoflow::fuzz::Shipped().catalog);
  osteoflow::fuzz::AnswerFuzzedCall<v1::GetExerciseRequest, v1::Exercise, BorrowedWire>(
      data, size, [](const v1::GetExerciseRequest& request, BorrowedWire* answer) {
        return queries.GetExercise(request, answer);
      });
  return 0;
}

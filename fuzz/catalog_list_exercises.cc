// ListExercises from a call's raw bytes: filters, page size and page token
// (its scope fingerprint and offset) over the shipped catalog.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/shipped_data.h"
#include "services/catalog/domain/catalog_queries.h"

namespace v1 = osteoflow::catalog::v1;
using osteoflow::BorrowedWire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const osteoflow::catalog::CatalogQueries queries(osteoflow::fuzz::Shipped().catalog);
  osteoflow::fuzz::AnswerFuzzedCall<v1::ListExercisesRequest, v1::ListExercisesResponse, BorrowedWire>(
      data, size, [](const v1::ListExercisesRequest& request, BorrowedWire* answer) {
        return queries.ListExercises(request, answer);
      });
  return 0;
}

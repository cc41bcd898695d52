// EvaluateActivity from a call's raw bytes: the restrictions validated in
// the shape screening returns, then matched against the named exercise of
// the shipped catalog.
#include "fuzz/support/fuzzed_call.h"
#include "fuzz/support/shipped_data.h"
#include "services/catalog/domain/catalog_queries.h"

namespace v1 = osteoflow::catalog::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const osteoflow::catalog::CatalogQueries queries(osteoflow::fuzz::Shipped().catalog);
  osteoflow::fuzz::AnswerFuzzedCall<v1::EvaluateActivityRequest, v1::EvaluateActivityResponse,
                                    v1::EvaluateActivityResponse>(
      data, size, [](const v1::EvaluateActivityRequest& request, v1::EvaluateActivityResponse* answer) {
        return queries.EvaluateActivity(request, answer);
      });
  return 0;
}

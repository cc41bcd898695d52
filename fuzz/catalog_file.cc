// The catalog file loader (LoadCatalogFile: protobuf's JSON form with
// unknown fields refused, then the catalog's validation) fed arbitrary
// bytes. A catalog it accepts is then asked what the service would answer
// from it: a listing, and every exercise's verdict under the sample
// restrictions.
#include "fuzz/support/scratch_file.h"
#include "fuzz/support/shipped_data.h"
#include "libs/catalog/catalog_file.h"
#include "services/catalog/domain/catalog_queries.h"

namespace v1 = osteoflow::catalog::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto loaded = osteoflow::catalog::LoadCatalogFile(osteoflow::fuzz::WriteScratchFile(data, size));
  if (!loaded.ok()) return 0;
  const osteoflow::catalog::CatalogQueries queries(*loaded);
  v1::ListExercisesRequest listing;
  listing.set_page_size(100);
  osteoflow::BorrowedWire page;
  (void)queries.ListExercises(listing, &page);
  for (const v1::Exercise& exercise : (*loaded)->exercises()) {
    for (const osteoflow::common::v1::Restrictions& restrictions : osteoflow::fuzz::SampleRestrictions()) {
      v1::EvaluateActivityRequest request;
      *request.mutable_restrictions() = restrictions;
      request.set_exercise(exercise.name());
      v1::EvaluateActivityResponse verdict;
      (void)queries.EvaluateActivity(request, &verdict);
    }
  }
  return 0;
}

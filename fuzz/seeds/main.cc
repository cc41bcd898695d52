// Writes the seed corpora of the fuzz targets (scripts/fuzz-seeds.sh runs
// it and commits nothing by itself):
//   osteoflow-fuzz-seeds <corpus folder> <ES256 private key PEM file>
#include <cstdio>
#include <string>

#include "common/config/json_file.h"
#include "fuzz/seeds/seeds.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <corpus folder> <ES256 private key PEM file>\n", argv[0]);
    return 2;
  }
  std::string private_key;
  if (!osteoflow::ReadWholeFile(argv[2], &private_key).ok()) {
    std::fprintf(stderr, "seeds: cannot read %s\n", argv[2]);
    return 1;
  }
  const std::filesystem::path corpus = argv[1];
  osteoflow::fuzz::MakeCatalogRequestSeeds(corpus);
  osteoflow::fuzz::MakeScreeningRequestSeeds(corpus);
  osteoflow::fuzz::MakeSchedulingRequestSeeds(corpus);
  osteoflow::fuzz::MakeProgressRequestSeeds(corpus);
  osteoflow::fuzz::MakeDocumentSeeds(corpus);
  osteoflow::fuzz::MakeTokenSeeds(corpus, private_key);
  return 0;
}

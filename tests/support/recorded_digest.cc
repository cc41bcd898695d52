#include "tests/support/recorded_digest.h"

#include <fstream>

namespace osteoflow::testing {

std::string RecordedDigest(const std::string& digest_file, const std::string& version) {
  std::ifstream recorded(digest_file);
  std::string line;
  std::string digest;
  while (std::getline(recorded, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    if (space != std::string::npos && line.substr(0, space) == version) {
      digest = line.substr(space + 1);
    }
  }
  return digest;
}

}  // namespace osteoflow::testing

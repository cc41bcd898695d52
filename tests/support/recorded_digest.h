#pragma once

#include <string>

namespace osteoflow::testing {

// Reviewed data files pin their content digest per version in a side file of
// "<version> <digest>" lines ('#' starts a comment). Empty when the version
// has no line.
std::string RecordedDigest(const std::string& digest_file, const std::string& version);

}  // namespace osteoflow::testing

#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace osteoflow::progress {

// A record's or programme's id: a digest of its scope and the request_id, so
// a retry finds what the first attempt stored.
std::string IdOf(absl::string_view scope, absl::string_view request_id);

}  // namespace osteoflow::progress

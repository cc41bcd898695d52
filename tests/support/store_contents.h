#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace osteoflow::testing {

// Everything a Redis on 127.0.0.1:`port` holds, key by key: each value read
// whole by its type (a string; a hash's fields and values; a list's,
// set's or sorted set's members with their scores; a stream's entries),
// joined into one string. Two snapshots are equal exactly when nothing was
// written in between, and a marker hidden in any stored byte is found.
absl::StatusOr<std::map<std::string, std::string>> StoreContents(int port);

}  // namespace osteoflow::testing

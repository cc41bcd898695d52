#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow {

// Page tokens of every listing: opaque to clients, bound to the scope of the
// listing that issued them (its parent, or a fingerprint of its filters) and
// carrying where the next page starts (the store's cursor, an offset).
// A token replayed against another scope is refused, so one patient's token
// cannot page another's listing.

// The token for the page that starts at `cursor`; empty when `cursor` is
// (there is no next page).
std::string MakePageToken(absl::string_view scope, absl::string_view cursor);

// The cursor in `token`; empty for an empty token (the first page).
// INVALID_ARGUMENT naming page_token when the token is not one issued by a
// listing of `scope`.
absl::StatusOr<std::string> PageCursor(absl::string_view token, absl::string_view scope);

}  // namespace osteoflow

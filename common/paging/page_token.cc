#include "common/paging/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"

namespace osteoflow {

// The token is the scope and the cursor on two lines, web-safe base64.
std::string MakePageToken(absl::string_view scope, absl::string_view cursor) {
  if (cursor.empty()) return "";
  return absl::WebSafeBase64Escape(absl::StrCat(scope, "\n", cursor));
}

absl::StatusOr<std::string> PageCursor(absl::string_view token, absl::string_view scope) {
  if (token.empty()) return std::string();
  std::string decoded;
  if (absl::WebSafeBase64Unescape(token, &decoded) && decoded.size() > scope.size() + 1 &&
      absl::string_view(decoded).substr(0, scope.size()) == scope && decoded[scope.size()] == '\n') {
    return decoded.substr(scope.size() + 1);
  }
  return InvalidField("page_token",
                      "not a token from this listing; repeat the request that gave it (same parent "
                      "and filters) or start again without a token");
}

}  // namespace osteoflow

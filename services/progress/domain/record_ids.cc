#include "services/progress/domain/record_ids.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/digest/content_digest.h"

namespace osteoflow::progress {
namespace {

// 80 bits of the digest: short in a resource name, yet far from colliding.
constexpr size_t kIdHexDigits = 20;

}  // namespace

std::string IdOf(absl::string_view scope, absl::string_view request_id) {
  return absl::BytesToHexString(Sha256(absl::StrCat(scope, "\n", request_id))).substr(0, kIdHexDigits);
}

}  // namespace osteoflow::progress

#include "common/text/identifiers.h"

#include <cstddef>

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/text/resource_names.h"

namespace osteoflow {
namespace {

constexpr size_t kMaxOpaqueIdLength = 64;

}  // namespace

bool ParseIsoDate(absl::string_view text, absl::CivilDay* day) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int fields[3] = {0, 0, 0};  // year, month, day
  int which = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) {
      ++which;
      continue;
    }
    const char c = text[i];
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    fields[which] = fields[which] * 10 + (c - '0');
  }
  // CivilDay normalises (Feb 30 becomes Mar 2), so a real day survives unchanged.
  const absl::CivilDay parsed(fields[0], fields[1], fields[2]);
  if (parsed.year() != fields[0] || parsed.month() != fields[1] || parsed.day() != fields[2]) {
    return false;
  }
  if (day != nullptr) *day = parsed;
  return true;
}

bool IsOpaqueId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxOpaqueIdLength) return false;
  for (const char c : id) {
    const bool allowed =
        absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

bool SplitScreeningName(absl::string_view name, ScreeningNameParts* parts) {
  absl::StatusOr<std::vector<std::string>> ids = SplitResourceName(name, kScreeningNamePattern, "name");
  if (!ids.ok()) return false;
  if (parts != nullptr) *parts = {std::move((*ids)[0]), std::move((*ids)[1])};
  return true;
}

}  // namespace osteoflow

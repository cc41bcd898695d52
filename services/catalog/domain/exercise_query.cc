#include "services/catalog/domain/exercise_query.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/digest/content_digest.h"
#include "common/paging/page_token.h"
#include "common/status/field_violations.h"

namespace osteoflow::catalog {
namespace {

namespace v1 = osteoflow::catalog::v1;
namespace common = osteoflow::common::v1;

constexpr int kMaxFilterValues = 32;

template <typename Values>
bool Contains(const Values& values, int value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The filters in a canonical form (sorted, without duplicates or paging
// fields), so that the same filters always give the same fingerprint.
v1::ListExercisesRequest CanonicalFilters(const v1::ListExercisesRequest& request) {
  v1::ListExercisesRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  auto normalise = [](auto* values) {
    std::sort(values->begin(), values->end());
    values->erase(std::unique(values->begin(), values->end()), values->end());
  };
  normalise(filters.mutable_categories());
  normalise(filters.mutable_movement_patterns());
  normalise(filters.mutable_exclude_safety_tags());
  if (filters.has_equipment()) normalise(filters.mutable_equipment()->mutable_available());
  return filters;
}

std::string FilterFingerprint(const ExerciseCatalog& catalog,
                              const v1::ListExercisesRequest& request) {
  const std::string digest =
      Sha256(absl::StrCat(ContentDigest(CanonicalFilters(request)), "|", catalog.content_digest()));
  return absl::BytesToHexString(absl::string_view(digest).substr(0, 12));
}

// A page token is bound to the filters and the catalog it was issued for
// (their fingerprint) and carries the offset of the page it starts.
absl::StatusOr<int> OffsetOf(const std::string& token, const std::string& fingerprint, int total) {
  absl::StatusOr<std::string> cursor = PageCursor(token, fingerprint);
  if (!cursor.ok()) return cursor.status();
  int offset = 0;
  if (cursor->empty()) return offset;
  if (!absl::SimpleAtoi(*cursor, &offset) || offset <= 0 || offset >= total) {
    return InvalidField("page_token", "is out of range");
  }
  return offset;
}

}  // namespace

bool MatchesFilters(const v1::Exercise& exercise, const v1::ListExercisesRequest& request) {
  if (!request.categories().empty() && !Contains(request.categories(), exercise.category())) {
    return false;
  }
  if (!request.movement_patterns().empty() &&
      !Contains(request.movement_patterns(), exercise.movement_pattern())) {
    return false;
  }
  if (request.max_impact_level() != common::IMPACT_LEVEL_UNSPECIFIED &&
      exercise.impact_level() > request.max_impact_level()) {
    return false;
  }
  if (request.has_equipment()) {
    for (const int needed : exercise.equipment()) {
      if (!Contains(request.equipment().available(), needed)) return false;
    }
  }
  for (const int tag : exercise.safety_tags()) {
    if (Contains(request.exclude_safety_tags(), tag)) return false;
  }
  return !request.weight_bearing_only() || exercise.weight_bearing();
}

absl::StatusOr<ExercisePage> ListExercises(const ExerciseCatalog& catalog,
                                           const v1::ListExercisesRequest& request) {
  FieldViolations problems;
  if (request.page_size() < 0) problems.Add("page_size", "must not be negative");
  auto check_enums = [&](const auto& values, absl::string_view field, auto is_valid) {
    // Each enum has fewer values than this; a longer list is malformed.
    if (values.size() > kMaxFilterValues) {
      problems.Add(field, absl::StrCat("at most ", kMaxFilterValues, " values"));
      return;
    }
    for (const int value : values) {
      if (value == 0 || !is_valid(value)) {
        problems.Add(field, absl::StrCat("unknown or unspecified value ", value));
      }
    }
  };
  check_enums(request.categories(), "categories", v1::Category_IsValid);
  check_enums(request.movement_patterns(), "movement_patterns", v1::MovementPattern_IsValid);
  check_enums(request.exclude_safety_tags(), "exclude_safety_tags", common::SafetyTag_IsValid);
  if (request.has_equipment()) {
    check_enums(request.equipment().available(), "equipment.available", common::Equipment_IsValid);
  }
  if (!common::ImpactLevel_IsValid(request.max_impact_level())) {
    problems.Add("max_impact_level", "unknown value");
  }
  if (!problems.empty()) return problems.ToStatus();

  const int page_size = request.page_size() == 0 ? kDefaultPageSize
                                                 : std::min(request.page_size(), kMaxPageSize);
  std::vector<const v1::Exercise*> matches;
  for (const v1::Exercise& exercise : catalog.exercises()) {
    if (MatchesFilters(exercise, request)) matches.push_back(&exercise);
  }
  const int total = static_cast<int>(matches.size());
  const std::string fingerprint = FilterFingerprint(catalog, request);

  absl::StatusOr<int> offset = OffsetOf(request.page_token(), fingerprint, total);
  if (!offset.ok()) return offset.status();
  ExercisePage page;
  page.total_size = total;
  const int end = std::min(total, *offset + page_size);
  page.exercises.assign(matches.begin() + *offset, matches.begin() + end);
  if (end < total) page.next_page_token = MakePageToken(fingerprint, absl::StrCat(end));
  return page;
}

}  // namespace osteoflow::catalog

#include "fuzz/support/memory_screening_store.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace osteoflow::fuzz {

absl::StatusOr<bool> MemoryScreeningStore::CreateOnce(absl::string_view patient_id, absl::string_view screening_id,
                                                      int64_t create_time_micros, std::string record,
                                                      std::string* stored_record) {
  auto [at, created] = screenings_.try_emplace({std::string(patient_id), std::string(screening_id)},
                                               Stored{create_time_micros, std::move(record)});
  if (!created && stored_record != nullptr) *stored_record = at->second.record;
  return created;
}

absl::StatusOr<osteoflow::screening::v1::Screening> MemoryScreeningStore::Get(absl::string_view patient_id,
                                                                              absl::string_view screening_id) {
  auto found = screenings_.find({std::string(patient_id), std::string(screening_id)});
  if (found == screenings_.end()) return absl::NotFoundError("no such screening");
  osteoflow::screening::v1::Screening screening;
  if (!screening.ParseFromString(found->second.record)) return absl::InternalError("stored screening does not parse");
  return screening;
}

absl::StatusOr<screening::ScreeningPage> MemoryScreeningStore::List(absl::string_view patient_id, int page_size,
                                                                    absl::string_view cursor) {
  // The cursor is how many of the newest-first listing came before.
  size_t skip = 0;
  if (!cursor.empty() && !absl::SimpleAtoi(cursor, &skip)) return absl::InvalidArgumentError("page_token: malformed");
  std::vector<const Stored*> patients;
  for (const auto& [key, stored] : screenings_) {
    if (key.first == patient_id) patients.push_back(&stored);
  }
  std::stable_sort(patients.begin(), patients.end(), [](const Stored* a, const Stored* b) {
    return a->create_time_micros > b->create_time_micros;
  });
  screening::ScreeningPage page;
  for (size_t i = skip; i < patients.size() && static_cast<int>(page.screenings.size()) < page_size; ++i) {
    if (!page.screenings.emplace_back().ParseFromString(patients[i]->record)) {
      return absl::InternalError("stored screening does not parse");
    }
  }
  const size_t next = skip + page.screenings.size();
  if (next < patients.size()) page.next_cursor = absl::StrCat(next);
  return page;
}

}  // namespace osteoflow::fuzz

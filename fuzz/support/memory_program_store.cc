#include "fuzz/support/memory_program_store.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace osteoflow::fuzz {

using progress::CommitResult;
using progress::StoredProgram;

MemoryProgramStore::Programme* MemoryProgramStore::Find(absl::string_view patient_id, absl::string_view program_id) {
  auto found = programmes_.find({std::string(patient_id), std::string(program_id)});
  return found == programmes_.end() ? nullptr : &found->second;
}

absl::StatusOr<bool> MemoryProgramStore::CreateProgram(absl::string_view patient_id, absl::string_view program_id,
                                                       int64_t create_time_micros, const StoredProgram& program,
                                                       StoredProgram* stored) {
  // Events are not kept: nothing here reads the feed.
  auto [at, created] = programmes_.try_emplace({std::string(patient_id), std::string(program_id)},
                                               Programme{create_time_micros, {program.program, program.plan}, {}});
  if (stored != nullptr) *stored = at->second.stored;
  return created;
}

absl::StatusOr<std::optional<StoredProgram>> MemoryProgramStore::GetProgram(absl::string_view patient_id,
                                                                            absl::string_view program_id) {
  const Programme* programme = Find(patient_id, program_id);
  if (programme == nullptr) return std::nullopt;
  return std::optional<StoredProgram>(programme->stored);
}

absl::StatusOr<progress::ProgramStore::ProgramPage> MemoryProgramStore::ListPrograms(absl::string_view patient_id,
                                                                                     int page_size,
                                                                                     absl::string_view cursor) {
  // The cursor is how many of the newest-first listing came before.
  size_t skip = 0;
  if (!cursor.empty() && !absl::SimpleAtoi(cursor, &skip)) return absl::InvalidArgumentError("page_token: malformed");
  std::vector<const Programme*> patients;
  for (const auto& [key, programme] : programmes_) {
    if (key.first == patient_id) patients.push_back(&programme);
  }
  std::stable_sort(patients.begin(), patients.end(), [](const Programme* a, const Programme* b) {
    return a->create_time_micros > b->create_time_micros;
  });
  ProgramPage page;
  for (size_t i = skip; i < patients.size() && static_cast<int>(page.programs.size()) < page_size; ++i) {
    page.programs.push_back(patients[i]->stored.program);
  }
  const size_t next = skip + page.programs.size();
  if (next < patients.size()) page.next_cursor = absl::StrCat(next);
  return page;
}

absl::StatusOr<CommitResult> MemoryProgramStore::Commit(absl::string_view patient_id, absl::string_view program_id,
                                                        const std::string& expected, const StoredProgram& change,
                                                        const std::optional<progress::NewRecord>& record,
                                                        std::string* stored_record) {
  Programme* programme = Find(patient_id, program_id);
  if (programme == nullptr) return CommitResult::kMissing;
  if (record.has_value()) {
    auto existing = programme->records.find({record->kind, record->id});
    if (existing != programme->records.end()) {
      if (stored_record != nullptr) *stored_record = existing->second.second;
      return CommitResult::kAlreadyStored;
    }
  }
  if (programme->stored.program != expected) return CommitResult::kConflict;
  if (record.has_value()) {
    // The record's quotas, as the store's commit script counts them.
    for (const progress::RecordQuota& quota : record->quotas) {
      int used = 0;
      for (const auto& [key, stored] : programme->records) {
        used += key.first == record->kind && stored.first >= quota.range.first && stored.first <= quota.range.last;
      }
      if (used >= quota.most) return CommitResult::kQuotaReached;
    }
  }
  if (!change.program.empty()) programme->stored.program = change.program;
  if (!change.plan.empty()) programme->stored.plan = change.plan;
  if (record.has_value()) programme->records[{record->kind, record->id}] = {record->order, record->bytes};
  return CommitResult::kCommitted;
}

absl::StatusOr<std::optional<std::string>> MemoryProgramStore::GetRecord(absl::string_view patient_id,
                                                                         absl::string_view program_id,
                                                                         progress::RecordKind kind,
                                                                         absl::string_view record_id) {
  const Programme* programme = Find(patient_id, program_id);
  if (programme == nullptr) return std::nullopt;
  auto found = programme->records.find({kind, std::string(record_id)});
  if (found == programme->records.end()) return std::nullopt;
  return std::optional<std::string>(found->second.second);
}

absl::StatusOr<std::vector<std::string>> MemoryProgramStore::Records(absl::string_view patient_id,
                                                                     absl::string_view program_id,
                                                                     progress::RecordKind kind, int limit,
                                                                     progress::OrderRange range) {
  std::vector<std::string> found;
  const Programme* programme = Find(patient_id, program_id);
  if (programme == nullptr) return found;
  std::vector<std::pair<int64_t, const std::string*>> in_range;
  for (const auto& [key, record] : programme->records) {
    if (key.first == kind && record.first >= range.first && record.first <= range.last) {
      in_range.emplace_back(record.first, &record.second);
    }
  }
  std::stable_sort(in_range.begin(), in_range.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, bytes] : in_range) {
    if (static_cast<int>(found.size()) == limit) break;
    found.push_back(*bytes);
  }
  return found;
}

absl::Status MemoryProgramStore::CheckAt(absl::string_view patient_id, absl::string_view program_id,
                                         absl::Time when) {
  if (Programme* programme = Find(patient_id, program_id); programme != nullptr) programme->check_at = when;
  return absl::OkStatus();
}

absl::Status MemoryProgramStore::Forget(absl::string_view patient_id, absl::string_view program_id) {
  if (Programme* programme = Find(patient_id, program_id); programme != nullptr) programme->check_at.reset();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<progress::ProgramStore::ProgramRef>> MemoryProgramStore::DueChecks(absl::Time now,
                                                                                               int limit) {
  std::vector<ProgramRef> due;
  for (const auto& [key, programme] : programmes_) {
    if (static_cast<int>(due.size()) == limit) break;
    if (programme.check_at.has_value() && *programme.check_at <= now) due.push_back({key.first, key.second});
  }
  return due;
}

absl::StatusOr<CommitResult> MemoryProgramStore::RaiseOnce(absl::string_view patient_id,
                                                           absl::string_view program_id, absl::string_view once_id,
                                                           int64_t fence, const std::vector<progress::OutboxEvent>&) {
  Programme* programme = Find(patient_id, program_id);
  if (programme == nullptr) return CommitResult::kMissing;
  if (programme->fence > fence) return CommitResult::kConflict;
  programme->fence = fence;
  return programme->raised.insert(std::string(once_id)).second ? CommitResult::kCommitted
                                                                : CommitResult::kAlreadyStored;
}

}  // namespace osteoflow::fuzz

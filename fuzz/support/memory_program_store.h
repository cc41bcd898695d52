#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "services/progress/domain/program_store.h"

namespace osteoflow::fuzz {

// The programme store's contract in memory, for one thread. Copyable, so a
// target can start every input from the same enrolled programmes.
class MemoryProgramStore final : public progress::ProgramStore {
 public:
  absl::StatusOr<bool> CreateProgram(absl::string_view patient_id, absl::string_view program_id,
                                     int64_t create_time_micros, const progress::StoredProgram& program,
                                     progress::StoredProgram* stored) override;
  absl::StatusOr<std::optional<progress::StoredProgram>> GetProgram(absl::string_view patient_id,
                                                                    absl::string_view program_id) override;
  absl::StatusOr<ProgramPage> ListPrograms(absl::string_view patient_id, int page_size,
                                           absl::string_view cursor) override;
  absl::StatusOr<progress::CommitResult> Commit(absl::string_view patient_id, absl::string_view program_id,
                                                const std::string& expected, const progress::StoredProgram& change,
                                                const std::optional<progress::NewRecord>& record,
                                                std::string* stored_record) override;
  absl::StatusOr<std::optional<std::string>> GetRecord(absl::string_view patient_id, absl::string_view program_id,
                                                       progress::RecordKind kind, absl::string_view record_id) override;
  absl::StatusOr<std::vector<std::string>> Records(absl::string_view patient_id, absl::string_view program_id,
                                                   progress::RecordKind kind, int limit,
                                                   progress::OrderRange range) override;

 private:
  using ProgramKey = std::pair<std::string, std::string>;  // patient, programme
  struct Programme {
    int64_t create_time_micros = 0;
    progress::StoredProgram stored;
    // By kind and record id: its order and bytes.
    std::map<std::pair<progress::RecordKind, std::string>, std::pair<int64_t, std::string>> records;
  };
  Programme* Find(absl::string_view patient_id, absl::string_view program_id);

  std::map<ProgramKey, Programme> programmes_;
};

}  // namespace osteoflow::fuzz

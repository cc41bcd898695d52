#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/time/time.h"

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
  absl::Status CheckAt(absl::string_view patient_id, absl::string_view program_id, absl::Time when) override;
  absl::Status Forget(absl::string_view patient_id, absl::string_view program_id) override;
  absl::StatusOr<std::vector<ProgramRef>> DueChecks(absl::Time now, int limit) override;
  absl::StatusOr<progress::CommitResult> RaiseOnce(absl::string_view patient_id, absl::string_view program_id,
                                                   absl::string_view once_id, int64_t fence,
                                                   const std::vector<progress::OutboxEvent>& events) override;

 private:
  using ProgramKey = std::pair<std::string, std::string>;  // patient, programme
  struct Programme {
    int64_t create_time_micros = 0;
    progress::StoredProgram stored;
    // By kind and record id: its order and bytes.
    std::map<std::pair<progress::RecordKind, std::string>, std::pair<int64_t, std::string>> records;
    // The missed-sessions sweep's: when it is due, the stretches raised, the
    // latest fence that wrote.
    std::optional<absl::Time> check_at = std::nullopt;
    std::set<std::string> raised = {};
    int64_t fence = 0;
  };
  Programme* Find(absl::string_view patient_id, absl::string_view program_id);

  std::map<ProgramKey, Programme> programmes_;
};

}  // namespace osteoflow::fuzz

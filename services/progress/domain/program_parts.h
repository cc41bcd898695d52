#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/progress/domain/program_store.h"

// What the programme use cases share: limits and how a commit that adds a
// record ends.
namespace osteoflow::progress {

// How often a change is tried again after the programme changed under it.
inline constexpr int kMaxCommitAttempts = 16;
// The most records of one kind a use case reads at once.
inline constexpr int kMaxRecordsRead = 10000;
inline constexpr size_t kMaxNoteLength = 2000;

// How a commit that adds a record ends: the new record, or on a retry the
// one stored first; NOT_FOUND for a programme that is gone; nullopt when the
// programme changed since it was read (read it again and retry).
template <typename Record>
std::optional<absl::Status> Settle(const absl::StatusOr<CommitResult>& result, Record& fresh,
                                   const std::string& stored_record, const std::string& program, Record* out) {
  if (!result.ok()) return result.status();
  switch (*result) {
    case CommitResult::kCommitted:
      *out = std::move(fresh);
      return absl::OkStatus();
    case CommitResult::kAlreadyStored:
      if (!out->ParseFromString(stored_record)) return absl::InternalError("a stored record is corrupt");
      return absl::OkStatus();
    case CommitResult::kMissing:
      return absl::NotFoundError(absl::StrCat("program: no programme ", program));
    case CommitResult::kConflict:
      break;
  }
  return std::nullopt;
}

}  // namespace osteoflow::progress

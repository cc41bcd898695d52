#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace osteoflow {

// Writes log lines to stderr. Event lines (start, stop, failures) and audit
// lines are written at once; access records are queued and written by a
// background thread in batches, one write per batch, so that a call never
// waits on a system call or on JSON formatting for them. A crash can lose at
// most the last flush interval of access lines, never an event or audit line.
class LogWriter {
 public:
  static LogWriter& Instance();

  // Writes a finished line (with its newline) now, after anything queued.
  void WriteNow(absl::string_view line);

  // A short text kept inline (cut at N bytes), so that queuing allocates nothing.
  template <size_t N>
  class InlineText {
   public:
    InlineText() = default;
    InlineText(absl::string_view text) : size_(std::min(text.size(), N)) {  // NOLINT: implicit by design
      std::memcpy(data_, text.data(), size_);
    }
    absl::string_view view() const { return absl::string_view(data_, size_); }

   private:
    char data_[N];
    size_t size_ = 0;
  };

  // One call, as the interceptor saw it. Plain and inline, so that queuing it
  // costs a copy of a few hundred bytes; the JSON line is made later by the
  // background thread.
  struct AccessEntry {
    absl::Time at;
    InlineText<32> service;
    InlineText<128> method;
    absl::StatusCode code = absl::StatusCode::kOk;  // same numbering as gRPC's
    int32_t latency_us = 0;
    InlineText<128> request_id;
    // Hex ids of the call's trace context ("" for a parent it did not have).
    InlineText<32> trace_id;
    InlineText<16> span_id;
    InlineText<16> parent_span_id;
  };

  // Queues one call's access line.
  void Enqueue(AccessEntry entry);

  // One call to patient data, for the audit trail: written at once, after
  // the queued access lines and in the same pass of the JSON printer (a line
  // printed on its own cost half as much again), and never dropped. Every value
  // is an opaque id, one of our names or a code name: none holds a brace.
  struct AuditEntry {
    absl::Time at;
    absl::string_view subject;
    absl::string_view role;
    absl::string_view method;
    absl::string_view patient_id;
    absl::StatusCode outcome = absl::StatusCode::kOk;
    absl::string_view request_id;
    absl::string_view trace_id;
    absl::string_view span_id;
  };
  void WriteAudit(const AuditEntry& entry);

  // Writes everything queued so far.
  void Flush();

 private:
  LogWriter();
  void FlushLoop();
  // Writes what is queued, then `audit` if any; returns how many lines were
  // dropped since last time.
  int64_t WriteQueued(const AuditEntry* audit = nullptr);
  // Formats and writes `entries` and `audit`; called without mu_ held.
  static void WriteEntries(const std::vector<AccessEntry>& entries, const AuditEntry* audit);

  // The batch being written; swapped with queued_ so both keep their capacity.
  std::vector<AccessEntry> writing_ ABSL_GUARDED_BY(write_mu_);

  absl::Mutex write_mu_;  // keeps whole batches and event lines in order
  // Held only to queue or take the queue; nobody ever waits on it, so that
  // queuing stays on the mutex's fast path.
  absl::Mutex mu_;
  std::vector<AccessEntry> queued_ ABSL_GUARDED_BY(mu_);
  int64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

// "2026-11-22T01:53:53.486107Z"
std::string LogTimestamp(absl::Time at);

}  // namespace osteoflow

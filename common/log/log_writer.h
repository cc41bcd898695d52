#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace osteoflow {

// Writes log lines to stderr. Event lines (start, stop, failures) are written
// at once; access records are queued and written by a background thread in
// batches, one write per batch, so that a call never waits on a system call
// or on JSON formatting. A crash can lose at most the last flush interval of
// access lines, never an event line.
class LogWriter {
 public:
  static LogWriter& Instance();

  // Writes a finished line (with its newline) now, after anything queued.
  void WriteNow(absl::string_view line);

  // One call, as the interceptor saw it. Kept plain so that queuing it costs
  // no more than a move; the JSON line is made by the background thread.
  struct AccessEntry {
    absl::Time at;
    std::string service;
    std::string method;
    absl::string_view code;  // a static code name
    int32_t latency_us = 0;
    std::string request_id;
  };

  // Queues one call's access line.
  void Enqueue(AccessEntry entry);

  // Writes everything queued so far.
  void Flush();

 private:
  LogWriter();
  void FlushLoop();
  // Writes what is queued; returns how many lines were dropped since last time.
  int64_t WriteQueued();
  // Formats and writes `entries`; called without mu_ held.
  static void WriteEntries(const std::vector<AccessEntry>& entries);

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

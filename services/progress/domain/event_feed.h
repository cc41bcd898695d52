#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace osteoflow::progress {

// The progress event feed as its readers see it: every relayed event in a
// per-patient order, read from a cursor. A cursor is opaque text; each
// entry's cursor resumes the feed just after that entry.
class EventFeed {
 public:
  virtual ~EventFeed() = default;

  struct Entry {
    std::string patient_id;
    // The CloudEvents type, and the CloudEvent's bytes.
    std::string type;
    std::string event;
    std::string cursor;
  };
  // Which entries a reader wants; empty means all.
  struct Filter {
    std::string patient_id;
    absl::flat_hash_set<std::string> types;
  };
  struct Page {
    std::vector<Entry> entries;
    // Where the next read starts: past every entry looked at, kept or not.
    std::string cursor;
    // True when the read looked at everything there was (fewer than `limit`).
    bool at_end = true;
  };

  // Up to `limit` entries after `cursor` ("" for the oldest kept) that pass
  // `filter`. INVALID_ARGUMENT naming `cursor_field` for a cursor this feed
  // did not make; OUT_OF_RANGE, naming the oldest cursor still readable, for
  // one whose next events the retention has removed.
  virtual absl::StatusOr<Page> Read(absl::string_view cursor, absl::string_view cursor_field, const Filter& filter,
                                    int limit) = 0;
  // The cursor at the feed's end: reading from it gives only later events.
  virtual absl::StatusOr<std::string> End() = 0;
  // Returns once this process may have relayed something after `seen` (a
  // value Relays() gave) or at `deadline`. Other replicas' relays are not
  // told: readers poll for them.
  virtual void AwaitRelay(int64_t seen, absl::Time deadline) = 0;
  // How many relays this process has made; for AwaitRelay.
  virtual int64_t Relays() = 0;
};

}  // namespace osteoflow::progress

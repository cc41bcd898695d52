#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_pool.h"

namespace osteoflow {

// One stored record of an index, and a page of them.
struct IndexedRecord {
  std::string id;
  std::string bytes;
};
struct RecordPage {
  std::vector<IndexedRecord> records;
  // Where the next page starts; empty after the last page. Opaque.
  std::string next_cursor;
};

// A page of an index kept as a sorted set of ids scored by creation time in
// microseconds, newest first (equal times in descending id order), with each
// record read from `record_prefix` + id, in one atomic script: a page never
// sees an index entry without its record. Ids must be opaque ids, and the
// index and records must share a hash tag. `cursor` is "" for the first page;
// a malformed one is INVALID_ARGUMENT naming page_token.
absl::StatusOr<RecordPage> PageNewestFirst(RedisPool& pool, const std::string& index_key,
                                           const std::string& record_prefix, absl::string_view cursor,
                                           int page_size);

}  // namespace osteoflow

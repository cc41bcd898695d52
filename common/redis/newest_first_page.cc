#include "common/redis/newest_first_page.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_script.h"
#include "common/text/identifiers.h"

namespace osteoflow {
namespace {

// One page and its records in one step, so a page never sees an index entry
// without its record. KEYS[1] the index; ARGV[1] the record key prefix (same
// hash tag, so same slot); ARGV[2] the cursor's score or '+inf'; ARGV[3] the
// cursor's id ('' for the first page); ARGV[4] the page size. Newest first;
// equal times in descending id order, as ZREVRANGEBYSCORE gives them.
// Returns {more (0 or 1), id, score, record or false, id, score, ...}.
const RedisScript& ListScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local size = tonumber(ARGV[4])
local skip = 0
if ARGV[3] ~= '' then skip = redis.call('ZCOUNT', KEYS[1], ARGV[2], ARGV[2]) end
local found = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[2], '-inf', 'WITHSCORES',
                         'LIMIT', 0, size + 1 + skip)
local out = {0}
local taken = 0
for i = 1, #found, 2 do
  local id, score = found[i], found[i + 1]
  local after = ARGV[3] == '' or score ~= ARGV[2] or id < ARGV[3]
  if after then
    if taken == size then out[1] = 1 break end
    taken = taken + 1
    out[#out + 1] = id
    out[#out + 1] = score
    out[#out + 1] = redis.call('GET', ARGV[1] .. id)
  end
end
return out
)lua");
  return *script;
}

// A cursor is "<score>:<id>" of the last record of a page.
struct Cursor {
  std::string score = "+inf";
  std::string id;
};

absl::StatusOr<Cursor> ParseCursor(absl::string_view text) {
  Cursor cursor;
  if (text.empty()) return cursor;
  const size_t colon = text.find(':');
  int64_t score = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(text.substr(0, colon), &score) ||
      score < 0 || !IsOpaqueId(text.substr(colon + 1))) {
    return absl::InvalidArgumentError("page_token: not valid");
  }
  cursor.score = std::string(text.substr(0, colon));
  cursor.id = std::string(text.substr(colon + 1));
  return cursor;
}

absl::Status Unexpected(const RedisPool& pool) {
  return absl::InternalError(absl::StrCat("redis ", pool.options().role, ": unexpected reply to the page script"));
}

}  // namespace

absl::StatusOr<RecordPage> PageNewestFirst(RedisPool& pool, const std::string& index_key,
                                           const std::string& record_prefix, absl::string_view cursor,
                                           int page_size) {
  absl::StatusOr<Cursor> after = ParseCursor(cursor);
  if (!after.ok()) return after.status();
  absl::StatusOr<RedisReply> reply =
      ListScript().Run(pool, {index_key}, {record_prefix, after->score, after->id, absl::StrCat(page_size)});
  if (!reply.ok()) return reply.status();
  const std::vector<RedisReply>& parts = reply->elements;
  // {more, then (id, score, record) triples}.
  if (reply->type != RedisReply::Type::kArray || parts.empty() || parts.size() % 3 != 1 ||
      parts[0].type != RedisReply::Type::kInteger) {
    return Unexpected(pool);
  }
  RecordPage page;
  for (size_t i = 1; i < parts.size(); i += 3) {
    const RedisReply& id = parts[i];
    const RedisReply& record = parts[i + 2];
    if (id.type != RedisReply::Type::kString || !IsOpaqueId(id.text)) return Unexpected(pool);
    // An index entry without its record should not exist (both are written
    // atomically); skipping it keeps the rest of the list readable.
    if (record.is_nil()) continue;
    if (record.type != RedisReply::Type::kString) return Unexpected(pool);
    page.records.push_back({id.text, record.text});
  }
  // The last entry considered, even if skipped, so the next page goes on
  // from there.
  if (parts[0].integer == 1 && parts.size() > 1) {
    page.next_cursor = absl::StrCat(parts[parts.size() - 2].text, ":", parts[parts.size() - 3].text);
  }
  return page;
}

}  // namespace osteoflow

#include "services/screening/store/redis_screening_store.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/screening/domain/intake_validation.h"

namespace osteoflow::screening {
namespace {

using ::osteoflow::screening::v1::Screening;

constexpr int kMaxPageSize = 100;
// Scores are doubles: microseconds are exact below 2^53, in 2255.
constexpr int64_t kMaxTimestampSeconds = 9007199254;

// One page and its records in one step, so a page never sees an index entry
// without its record. KEYS[1] the index; ARGV[1] the record key prefix (same
// hash tag, so same slot); ARGV[2] the cursor's score or '+inf'; ARGV[3] the
// cursor's id ('' for the first page); ARGV[4] the page size. Newest first;
// equal times in descending id order, as ZREVRANGEBYSCORE gives them.
// Returns {more (0 or 1), id, score, record or false, id, score, ...}.
constexpr char kListScript[] = R"lua(
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
)lua";

// Ids become parts of keys: anything but an opaque id could reach another
// patient's keys or break the hash tag.
absl::Status CheckIds(absl::string_view patient_id, absl::string_view screening_id) {
  if (!IsOpaqueId(patient_id)) return absl::InvalidArgumentError("patient_id: not valid");
  if (!IsOpaqueId(screening_id)) return absl::InvalidArgumentError("screening_id: not valid");
  return absl::OkStatus();
}

std::string KeyPrefix(absl::string_view patient_id) {
  return absl::StrCat("osteoflow:v1:{", patient_id, "}:");
}
std::string RecordKeyPrefix(absl::string_view patient_id) {
  return absl::StrCat(KeyPrefix(patient_id), "screening:");
}
std::string RecordKey(absl::string_view patient_id, absl::string_view screening_id) {
  return absl::StrCat(RecordKeyPrefix(patient_id), screening_id);
}
std::string IndexKey(absl::string_view patient_id) {
  return absl::StrCat(KeyPrefix(patient_id), "screenings");
}

// A cursor is "<score>:<screening id>" of the last screening of a page.
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

absl::Status ParseRecord(const std::string& bytes, absl::string_view patient_id,
                         absl::string_view screening_id, Screening* screening) {
  if (!screening->ParseFromString(bytes)) {
    return absl::InternalError(absl::StrCat("stored screening ", screening_id, " of patient ",
                                            patient_id, " is corrupt: not a Screening message"));
  }
  return absl::OkStatus();
}

absl::Status Unexpected(absl::string_view role, absl::string_view command) {
  return absl::InternalError(absl::StrCat("redis ", role, ": unexpected reply to ", command));
}

}  // namespace

RedisScreeningStore::RedisScreeningStore(std::shared_ptr<RedisPool> pool)
    : pool_(std::move(pool)) {}

// One transaction of two plain commands: SET ... NX GET stores the record
// unless one is there and answers with the one that was; ZADD ... NX adds the
// index entry unless it is there, so a retry changes neither. Both keys share
// the patient's hash tag (one slot), and the store's fsync covers the whole
// transaction before the reply.
absl::StatusOr<bool> RedisScreeningStore::CreateOnce(absl::string_view patient_id,
                                                     absl::string_view screening_id,
                                                     int64_t create_time_micros,
                                                     std::string record,
                                                     std::string* stored_record) {
  if (absl::Status status = CheckIds(patient_id, screening_id); !status.ok()) return status;
  if (create_time_micros < 0 || create_time_micros > kMaxTimestampSeconds * 1000000) {
    return absl::InvalidArgumentError("screening.create_time: not valid");
  }
  absl::StatusOr<std::vector<RedisReply>> replies = pool_->ExecutePipeline({
      {"MULTI"},
      {"SET", RecordKey(patient_id, screening_id), std::move(record), "NX", "GET"},
      {"ZADD", IndexKey(patient_id), "NX", absl::StrCat(create_time_micros),
       std::string(screening_id)},
      {"EXEC"},
  });
  if (!replies.ok()) return replies.status();
  // A command refused while queued (out of memory, a failed fsync, a replica
  // that became read-only) aborts the whole transaction: its own error says
  // why, and whether a retry may help.
  for (const RedisReply& queued : *replies) {
    if (absl::Status refused = StatusOfReply(queued, pool_->options().role); !refused.ok()) {
      return refused;
    }
  }
  RedisReply& exec = replies->back();
  if (exec.type != RedisReply::Type::kArray || exec.elements.size() != 2) {
    return Unexpected(pool_->options().role, "the create transaction");
  }
  // An error at run time (a key of the wrong type) stops nothing else in the
  // transaction: each reply is checked.
  for (const RedisReply& done : exec.elements) {
    if (absl::Status failed = StatusOfReply(done, pool_->options().role); !failed.ok()) {
      return failed;
    }
  }
  if (exec.elements[1].type != RedisReply::Type::kInteger) {
    return Unexpected(pool_->options().role, "ZADD NX");
  }
  RedisReply& previous = exec.elements[0];
  if (previous.is_nil()) return true;
  if (previous.type != RedisReply::Type::kString) {
    return Unexpected(pool_->options().role, "SET NX GET");
  }
  *stored_record = std::move(previous.text);
  return false;
}

absl::StatusOr<Screening> RedisScreeningStore::Get(absl::string_view patient_id,
                                                   absl::string_view screening_id) {
  if (absl::Status status = CheckIds(patient_id, screening_id); !status.ok()) return status;
  absl::StatusOr<RedisReply> reply = pool_->Execute({"GET", RecordKey(patient_id, screening_id)});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) {
    return absl::NotFoundError(
        absl::StrCat("no screening ", screening_id, " for patient ", patient_id));
  }
  if (reply->type != RedisReply::Type::kString) return Unexpected(pool_->options().role, "GET");
  Screening screening;
  if (absl::Status parsed = ParseRecord(reply->text, patient_id, screening_id, &screening);
      !parsed.ok()) {
    return parsed;
  }
  return screening;
}

absl::StatusOr<ScreeningPage> RedisScreeningStore::List(absl::string_view patient_id,
                                                        int page_size, absl::string_view cursor) {
  if (!IsOpaqueId(patient_id)) return absl::InvalidArgumentError("patient_id: not valid");
  if (page_size < 1 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be between 1 and ", kMaxPageSize));
  }
  absl::StatusOr<Cursor> after = ParseCursor(cursor);
  if (!after.ok()) return after.status();

  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"EVAL", kListScript, "1", IndexKey(patient_id), RecordKeyPrefix(patient_id),
                      after->score, after->id, absl::StrCat(page_size)});
  if (!reply.ok()) return reply.status();
  const std::vector<RedisReply>& parts = reply->elements;
  // {more, then (id, score, record) triples}.
  if (reply->type != RedisReply::Type::kArray || parts.empty() || parts.size() % 3 != 1 ||
      parts[0].type != RedisReply::Type::kInteger) {
    return Unexpected(pool_->options().role, "the list script");
  }

  ScreeningPage page;
  for (size_t i = 1; i < parts.size(); i += 3) {
    const RedisReply& id = parts[i];
    const RedisReply& record = parts[i + 2];
    if (id.type != RedisReply::Type::kString || !IsOpaqueId(id.text)) {
      return Unexpected(pool_->options().role, "the list script");
    }
    // An index entry without its record should not exist (both are written
    // in one transaction); skipping it keeps the rest of the list readable.
    if (record.is_nil()) continue;
    if (record.type != RedisReply::Type::kString) {
      return Unexpected(pool_->options().role, "the list script");
    }
    Screening& screening = page.screenings.emplace_back();
    if (absl::Status parsed = ParseRecord(record.text, patient_id, id.text, &screening);
        !parsed.ok()) {
      return parsed;
    }
  }
  // The last entry considered, even if skipped, so the next page goes on
  // from there.
  if (parts[0].integer == 1 && parts.size() > 1) {
    page.next_cursor = absl::StrCat(parts[parts.size() - 2].text, ":", parts[parts.size() - 3].text);
  }
  return page;
}

// A short-lived key of its own: writing it is the cheapest proof that a
// screening could be written now.
absl::Status RedisScreeningStore::CheckWritable() {
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"SET", "osteoflow:v1:readiness:screening", "1", "PX", "60000"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace osteoflow::screening

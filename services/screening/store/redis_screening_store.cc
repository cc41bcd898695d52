#include "services/screening/store/redis_screening_store.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/screening/domain/intake_validation.h"

namespace osteoflow::screening {
namespace {

using ::osteoflow::screening::v1::Screening;

constexpr int kMaxPageSize = 100;
// Microseconds since the epoch, zero-padded: 9999-12-31 needs 18 digits.
constexpr size_t kTimeDigits = 20;
constexpr int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z

// Store unless stored, atomically. KEYS[1] the record, KEYS[2] the index;
// ARGV[1] the serialized screening, ARGV[2] its index member. Returns {1}
// when stored, {0, stored bytes} when the record was there (nothing written).
constexpr char kCreateOnceScript[] = R"lua(
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 0, ARGV[2])
return {1}
)lua";

// One page and its records in one step, so a page never sees a member
// without its record because of a concurrent writer. KEYS[1] the index;
// ARGV[1] the record key prefix (same hash tag, so same slot), ARGV[2] the
// upper bound ('+' or '(<cursor>'), ARGV[3] the page size. Returns
// {more (0 or 1), member, record or nil, member, record or nil, ...}.
constexpr char kListScript[] = R"lua(
local size = tonumber(ARGV[3])
local members = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[2], '-', 'LIMIT', 0, size + 1)
local out = {#members > size and 1 or 0}
for i = 1, math.min(#members, size) do
  local id = string.sub(members[i], string.find(members[i], ':', 1, true) + 1)
  out[#out + 1] = members[i]
  out[#out + 1] = redis.call('GET', ARGV[1] .. id)
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

absl::StatusOr<std::string> IndexMember(const Screening& screening,
                                        absl::string_view screening_id) {
  const google::protobuf::Timestamp& time = screening.create_time();
  // Before the epoch has no place in an unsigned, zero-padded member.
  if (time.seconds() < 0 || time.seconds() > kMaxTimestampSeconds || time.nanos() < 0 ||
      time.nanos() > 999999999) {
    return absl::InvalidArgumentError("screening.create_time: not valid");
  }
  const int64_t micros = time.seconds() * 1000000 + time.nanos() / 1000;
  return absl::StrFormat("%0*d:%s", static_cast<int>(kTimeDigits), micros, screening_id);
}

// What an index member looks like; cursors are members.
bool IsIndexMember(absl::string_view member) {
  if (member.size() < kTimeDigits + 2 || member[kTimeDigits] != ':') return false;
  for (size_t i = 0; i < kTimeDigits; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(member[i]))) return false;
  }
  return IsOpaqueId(member.substr(kTimeDigits + 1));
}

absl::StatusOr<Screening> ParseRecord(const std::string& bytes, absl::string_view patient_id,
                                      absl::string_view screening_id) {
  Screening screening;
  if (!screening.ParseFromString(bytes)) {
    return absl::InternalError(absl::StrCat("stored screening ", screening_id, " of patient ",
                                            patient_id, " is corrupt: not a Screening message"));
  }
  return screening;
}

absl::Status Unexpected(absl::string_view role, absl::string_view command) {
  return absl::InternalError(absl::StrCat("redis ", role, ": unexpected reply to ", command));
}

}  // namespace

RedisScreeningStore::RedisScreeningStore(std::shared_ptr<RedisPool> pool)
    : pool_(std::move(pool)) {}

absl::StatusOr<StoredScreening> RedisScreeningStore::CreateOnce(absl::string_view patient_id,
                                                                absl::string_view screening_id,
                                                                const Screening& screening) {
  if (absl::Status status = CheckIds(patient_id, screening_id); !status.ok()) return status;
  absl::StatusOr<std::string> member = IndexMember(screening, screening_id);
  if (!member.ok()) return member.status();
  std::string bytes;
  if (!screening.SerializeToString(&bytes)) {
    return absl::InternalError("screening: cannot serialize");
  }

  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"EVAL", kCreateOnceScript, "2", RecordKey(patient_id, screening_id),
                      IndexKey(patient_id), bytes, *member});
  if (!reply.ok()) return reply.status();
  const std::vector<RedisReply>& parts = reply->elements;
  if (reply->type != RedisReply::Type::kArray || parts.empty() ||
      parts[0].type != RedisReply::Type::kInteger) {
    return Unexpected(pool_->options().role, "the create script");
  }
  if (parts[0].integer == 1) return StoredScreening{screening, /*created=*/true};
  if (parts.size() != 2 || parts[1].type != RedisReply::Type::kString) {
    return Unexpected(pool_->options().role, "the create script");
  }
  absl::StatusOr<Screening> stored = ParseRecord(parts[1].text, patient_id, screening_id);
  if (!stored.ok()) return stored.status();
  return StoredScreening{*std::move(stored), /*created=*/false};
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
  return ParseRecord(reply->text, patient_id, screening_id);
}

absl::StatusOr<ScreeningPage> RedisScreeningStore::List(absl::string_view patient_id,
                                                        int page_size, absl::string_view cursor) {
  if (!IsOpaqueId(patient_id)) return absl::InvalidArgumentError("patient_id: not valid");
  if (page_size < 1 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be between 1 and ", kMaxPageSize));
  }
  if (!cursor.empty() && !IsIndexMember(cursor)) {
    return absl::InvalidArgumentError("page_token: not valid");
  }
  const std::string upper = cursor.empty() ? "+" : absl::StrCat("(", cursor);

  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"EVAL", kListScript, "1", IndexKey(patient_id), RecordKeyPrefix(patient_id),
                      upper, absl::StrCat(page_size)});
  if (!reply.ok()) return reply.status();
  const std::vector<RedisReply>& parts = reply->elements;
  // {more, then (member, record) pairs}.
  if (reply->type != RedisReply::Type::kArray || parts.empty() || parts.size() % 2 != 1 ||
      parts[0].type != RedisReply::Type::kInteger) {
    return Unexpected(pool_->options().role, "the list script");
  }

  ScreeningPage page;
  for (size_t i = 1; i < parts.size(); i += 2) {
    const RedisReply& member = parts[i];
    const RedisReply& record = parts[i + 1];
    if (member.type != RedisReply::Type::kString || !IsIndexMember(member.text)) {
      return Unexpected(pool_->options().role, "the list script");
    }
    // A member without its record should not exist (both are written by one
    // script); skipping it keeps the rest of the list readable.
    if (record.is_nil()) continue;
    if (record.type != RedisReply::Type::kString) {
      return Unexpected(pool_->options().role, "the list script");
    }
    absl::StatusOr<Screening> screening = ParseRecord(
        record.text, patient_id, absl::string_view(member.text).substr(kTimeDigits + 1));
    if (!screening.ok()) return screening.status();
    page.screenings.push_back(*std::move(screening));
  }
  // The last member considered, even if skipped, so the next page goes on
  // from there.
  if (parts[0].integer == 1 && parts.size() > 1) page.next_cursor = parts[parts.size() - 2].text;
  return page;
}

absl::Status RedisScreeningStore::Ping() { return pool_->Ping(); }

}  // namespace osteoflow::screening

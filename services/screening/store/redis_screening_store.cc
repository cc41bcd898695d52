#include "services/screening/store/redis_screening_store.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/redis/newest_first_page.h"
#include "services/screening/domain/intake_validation.h"

namespace osteoflow::screening {
namespace {

using ::osteoflow::screening::v1::Screening;

constexpr int kMaxPageSize = 100;
// Scores are doubles: microseconds are exact below 2^53, in 2255.
constexpr int64_t kMaxTimestampSeconds = 9007199254;

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
  absl::StatusOr<RecordPage> records =
      PageNewestFirst(*pool_, IndexKey(patient_id), RecordKeyPrefix(patient_id), cursor, page_size);
  if (!records.ok()) return records.status();
  ScreeningPage page;
  for (const IndexedRecord& record : records->records) {
    Screening& screening = page.screenings.emplace_back();
    if (absl::Status parsed = ParseRecord(record.bytes, patient_id, record.id, &screening); !parsed.ok()) {
      return parsed;
    }
  }
  page.next_cursor = std::move(records->next_cursor);
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

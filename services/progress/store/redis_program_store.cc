#include "services/progress/store/redis_program_store.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/digest/content_digest.h"
#include "common/redis/newest_first_page.h"
#include "common/text/identifiers.h"

namespace osteoflow::progress {
namespace {

// Creates the programme unless it exists. KEYS[1] the programme, KEYS[2] the
// patient's index; ARGV[1] the bytes, ARGV[2] the create time, ARGV[3] the id.
// Returns {1} when created, {0, stored bytes} when it was there.
constexpr char kCreateScript[] = R"lua(
local stored = redis.call('GET', KEYS[1])
if stored then return {0, stored} end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[3])
return {1}
)lua";

// One atomic change. KEYS[1] the programme, KEYS[2] the record, KEYS[3] the
// record index; ARGV[1] the expected programme's SHA-1, ARGV[2] the new
// programme ('' keeps it), ARGV[3] the record ('' for none), ARGV[4] its id,
// ARGV[5] its order. The record id is checked first: a retry of a change that
// was committed finds its record and changes nothing, whatever happened to
// the programme since.
constexpr char kCommitScript[] = R"lua(
local current = redis.call('GET', KEYS[1])
if not current then return {'missing'} end
if ARGV[3] ~= '' then
  local existing = redis.call('GET', KEYS[2])
  if existing then return {'stored', existing} end
end
if redis.sha1hex(current) ~= ARGV[1] then return {'conflict'} end
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2]) end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
end
return {'ok'}
)lua";

// A programme's records in order. KEYS[1] the index; ARGV[1] the record key
// prefix, ARGV[2] the most to return.
constexpr char kRecordsScript[] = R"lua(
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local out = {}
for i = 1, #ids do out[#out + 1] = redis.call('GET', ARGV[1] .. ids[i]) or '' end
return out
)lua";

absl::Status CheckIds(absl::string_view patient_id, absl::string_view program_id) {
  if (!IsOpaqueId(patient_id)) return absl::InvalidArgumentError("patient_id: not valid");
  if (!IsOpaqueId(program_id)) return absl::InvalidArgumentError("program_id: not valid");
  return absl::OkStatus();
}

std::string PatientPrefix(absl::string_view patient_id) {
  return absl::StrCat("osteoflow:v1:{", patient_id, "}:");
}
std::string ProgramKey(absl::string_view patient_id, absl::string_view program_id) {
  return absl::StrCat(PatientPrefix(patient_id), "program:", program_id);
}
const char* KindWord(RecordKind kind) {
  switch (kind) {
    case RecordKind::kSession: return "session";
    case RecordKind::kMeasurement: return "measurement";
    case RecordKind::kWeek: return "week";
  }
  return "record";
}
std::string RecordPrefix(absl::string_view patient_id, absl::string_view program_id, RecordKind kind) {
  return absl::StrCat(ProgramKey(patient_id, program_id), ":", KindWord(kind), ":");
}
std::string RecordIndex(absl::string_view patient_id, absl::string_view program_id, RecordKind kind) {
  return absl::StrCat(ProgramKey(patient_id, program_id), ":", KindWord(kind), "s");
}

absl::Status Unexpected(absl::string_view what) {
  return absl::InternalError(absl::StrCat("redis store: unexpected reply to ", what));
}

}  // namespace

RedisProgramStore::RedisProgramStore(std::shared_ptr<RedisPool> pool) : pool_(std::move(pool)) {}

absl::StatusOr<bool> RedisProgramStore::CreateProgram(absl::string_view patient_id,
                                                      absl::string_view program_id,
                                                      int64_t create_time_micros, const std::string& program,
                                                      std::string* stored) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  absl::StatusOr<RedisReply> reply = pool_->Execute(
      {"EVAL", kCreateScript, "2", ProgramKey(patient_id, program_id),
       absl::StrCat(PatientPrefix(patient_id), "programs"), program, absl::StrCat(create_time_micros),
       std::string(program_id)});
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray || reply->elements.empty()) return Unexpected("create");
  const bool created = reply->elements[0].integer == 1;
  if (stored != nullptr) *stored = created ? program : reply->elements.at(1).text;
  return created;
}

absl::StatusOr<std::optional<std::string>> RedisProgramStore::GetProgram(absl::string_view patient_id,
                                                                         absl::string_view program_id) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  absl::StatusOr<RedisReply> reply = pool_->Execute({"GET", ProgramKey(patient_id, program_id)});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return std::nullopt;
  if (reply->type != RedisReply::Type::kString) return Unexpected("GET");
  return std::optional<std::string>(std::move(reply->text));
}

absl::StatusOr<ProgramStore::ProgramPage> RedisProgramStore::ListPrograms(absl::string_view patient_id,
                                                                          int page_size,
                                                                          absl::string_view cursor) {
  if (!IsOpaqueId(patient_id)) return absl::InvalidArgumentError("patient_id: not valid");
  if (page_size < 1 || page_size > 100) return absl::InvalidArgumentError("page_size: must be 1..100");
  absl::StatusOr<RecordPage> page =
      PageNewestFirst(*pool_, absl::StrCat(PatientPrefix(patient_id), "programs"),
                      absl::StrCat(PatientPrefix(patient_id), "program:"), cursor, page_size);
  if (!page.ok()) return page.status();
  ProgramPage programs;
  for (IndexedRecord& record : page->records) programs.programs.push_back(std::move(record.bytes));
  programs.next_cursor = std::move(page->next_cursor);
  return programs;
}

absl::StatusOr<CommitResult> RedisProgramStore::Commit(absl::string_view patient_id,
                                                       absl::string_view program_id,
                                                       const std::string& expected, const std::string& program,
                                                       const std::optional<NewRecord>& record,
                                                       std::string* stored_record) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  if (record.has_value() && (!IsOpaqueId(record->id) || record->bytes.empty())) {
    return absl::InvalidArgumentError("record: not valid");
  }
  // Redis compares SHA-1 hex digests of the programme's bytes.
  const std::string expected_sha1 = Sha1Hex(expected);
  const RecordKind kind = record.has_value() ? record->kind : RecordKind::kSession;
  absl::StatusOr<RedisReply> reply = pool_->Execute(
      {"EVAL", kCommitScript, "3", ProgramKey(patient_id, program_id),
       record.has_value() ? absl::StrCat(RecordPrefix(patient_id, program_id, kind), record->id)
                          : RecordPrefix(patient_id, program_id, kind),
       RecordIndex(patient_id, program_id, kind), expected_sha1, program,
       record.has_value() ? record->bytes : std::string(), record.has_value() ? record->id : std::string(),
       absl::StrCat(record.has_value() ? record->order : 0)});
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray || reply->elements.empty()) return Unexpected("commit");
  const std::string& outcome = reply->elements[0].text;
  if (outcome == "ok") return CommitResult::kCommitted;
  if (outcome == "conflict") return CommitResult::kConflict;
  if (outcome == "missing") return CommitResult::kMissing;
  if (outcome == "stored" && reply->elements.size() == 2) {
    if (stored_record != nullptr) *stored_record = reply->elements[1].text;
    return CommitResult::kAlreadyStored;
  }
  return Unexpected("commit");
}

absl::StatusOr<std::optional<std::string>> RedisProgramStore::GetRecord(absl::string_view patient_id,
                                                                        absl::string_view program_id,
                                                                        RecordKind kind,
                                                                        absl::string_view record_id) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  if (!IsOpaqueId(record_id)) return absl::InvalidArgumentError("record_id: not valid");
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"GET", absl::StrCat(RecordPrefix(patient_id, program_id, kind), record_id)});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return std::nullopt;
  if (reply->type != RedisReply::Type::kString) return Unexpected("GET");
  return std::optional<std::string>(std::move(reply->text));
}

absl::StatusOr<std::vector<std::string>> RedisProgramStore::Records(absl::string_view patient_id,
                                                                    absl::string_view program_id,
                                                                    RecordKind kind, int limit) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  if (limit < 1) return absl::InvalidArgumentError("limit: must be positive");
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"EVAL", kRecordsScript, "1", RecordIndex(patient_id, program_id, kind),
                      RecordPrefix(patient_id, program_id, kind), absl::StrCat(limit)});
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray) return Unexpected("records");
  std::vector<std::string> records;
  for (RedisReply& element : reply->elements) records.push_back(std::move(element.text));
  return records;
}

absl::Status RedisProgramStore::CheckWritable() {
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"SET", "osteoflow:v1:readiness:progress", "1", "PX", "60000"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace osteoflow::progress

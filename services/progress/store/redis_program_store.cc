#include "services/progress/store/redis_program_store.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/digest/content_digest.h"
#include "common/redis/newest_first_page.h"
#include "common/redis/redis_script.h"
#include "common/text/identifiers.h"
#include "services/progress/store/packed_values.h"
#include "services/progress/store/redis_event_feed.h"

namespace osteoflow::progress {
namespace {

// Creates the programme unless it exists. KEYS[1] the programme, KEYS[2] its
// plan, KEYS[3] the patient's index, KEYS[4] where its events go (the
// outbox, or the feed itself: see RedisEventFeed); ARGV[1] the programme,
// ARGV[2] the plan ('' for none), ARGV[3] the create time, ARGV[4] the id,
// ARGV[5] how many events, ARGV[6] the patient, ARGV[7] '1' to return the
// outbox, then each event's type and bytes. Returns {1[, the outbox]} when
// created, {0, stored programme, stored plan or false} when it was there.
const RedisScript& CreateScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local stored = redis.call('GET', KEYS[1])
if stored then return {0, stored, redis.call('GET', KEYS[2])} end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[4])
local events = tonumber(ARGV[5])
for i = 8, 7 + 2 * events, 2 do
  redis.call('XADD', KEYS[4], '*', 'p', ARGV[6], 't', ARGV[i], 'e', ARGV[i + 1])
end
if events > 0 and ARGV[7] == '1' then return {1, redis.call('XRANGE', KEYS[4], '-', '+', 'COUNT', 100)} end
return {1}
)lua");
  return *script;
}

// One atomic change. KEYS[1] the programme, KEYS[2] its plan, KEYS[3] the
// record, KEYS[4] the record index, KEYS[5] where its events go (the
// outbox, or the feed itself); ARGV[1] the expected programme's SHA-1,
// ARGV[2] the new programme ('' keeps it), ARGV[3] the new plan ('' keeps
// it), ARGV[4] the record ('' for none), ARGV[5] its id, ARGV[6] its order,
// ARGV[7] how many events, ARGV[8] the patient, ARGV[9] '1' to return the
// outbox, then each event's type and bytes, then per quota its first and
// last order and its limit. The record id is checked first: a retry of a change that
// was committed finds its record and changes nothing (and raises no event
// again), whatever happened to the programme since. Returns {'ok', the
// outbox} when events were added.
const RedisScript& CommitScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local current = redis.call('GET', KEYS[1])
if not current then return {'missing'} end
if ARGV[4] ~= '' then
  local existing = redis.call('GET', KEYS[3])
  if existing then return {'stored', existing} end
end
if redis.sha1hex(current) ~= ARGV[1] then return {'conflict'} end
local events = tonumber(ARGV[7])
for i = 10 + 2 * events, #ARGV, 3 do
  if redis.call('ZCOUNT', KEYS[4], ARGV[i], ARGV[i + 1]) >= tonumber(ARGV[i + 2]) then return {'quota'} end
end
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2]) end
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3]) end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[3], ARGV[4])
  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5])
end
for i = 10, 9 + 2 * events, 2 do
  redis.call('XADD', KEYS[5], '*', 'p', ARGV[8], 't', ARGV[i], 'e', ARGV[i + 1])
end
if events > 0 and ARGV[9] == '1' then return {'ok', redis.call('XRANGE', KEYS[5], '-', '+', 'COUNT', 100)} end
return {'ok'}
)lua");
  return *script;
}

// Raises events once, fenced. KEYS[1] the programme, KEYS[2] the once key,
// KEYS[3] the programme's sweep fence, KEYS[4] where its events go; ARGV[1]
// the fence, ARGV[2] the patient, ARGV[3] '1' to return the outbox, then
// each event's type and bytes.
const RedisScript& RaiseOnceScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local seen = tonumber(redis.call('GET', KEYS[3]) or '0')
if seen > tonumber(ARGV[1]) then return {'conflict'} end
redis.call('SET', KEYS[3], ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 then return {'stored'} end
redis.call('SET', KEYS[2], '1')
for i = 4, #ARGV, 2 do redis.call('XADD', KEYS[4], '*', 'p', ARGV[2], 't', ARGV[i], 'e', ARGV[i + 1]) end
if ARGV[3] == '1' then return {'ok', redis.call('XRANGE', KEYS[4], '-', '+', 'COUNT', 100)} end
return {'ok'}
)lua");
  return *script;
}

// A programme's records in order. KEYS[1] the index; ARGV[1] the record key
// prefix, ARGV[2] and ARGV[3] the least and greatest order, ARGV[4] the most
// to return.
const RedisScript& RecordsScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for i = 1, #ids do out[#out + 1] = redis.call('GET', ARGV[1] .. ids[i]) or '' end
return out
)lua");
  return *script;
}

// What MarkForEvents gives when the change appends to the feed itself.
constexpr char kAppendedMark[] = "appended";

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
std::string PlanKey(absl::string_view patient_id, absl::string_view program_id) {
  return absl::StrCat(ProgramKey(patient_id, program_id), ":plan");
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

// A score bound as ZRANGEBYSCORE takes it: the int64 ends mean no bound.
std::string ScoreBound(int64_t order) {
  if (order == std::numeric_limits<int64_t>::min()) return "-inf";
  if (order == std::numeric_limits<int64_t>::max()) return "+inf";
  return absl::StrCat(order);
}

// A string reply unpacked, or "" for nil (no plan).
absl::StatusOr<std::string> TextOrEmpty(RedisReply& reply, absl::string_view what) {
  if (reply.is_nil()) return std::string();
  if (reply.type != RedisReply::Type::kString) return Unexpected(what);
  return UnpackValue(std::move(reply.text));
}

// The patient, whether the outbox comes back to be relayed, then each
// event's type and bytes, as the scripts take them.
void AppendEvents(absl::string_view patient_id, bool relayed, const std::vector<OutboxEvent>& events,
                  std::vector<std::string>& arguments) {
  arguments.emplace_back(patient_id);
  arguments.push_back(relayed ? "1" : "0");
  for (const OutboxEvent& event : events) {
    arguments.push_back(event.type);
    arguments.push_back(event.bytes);
  }
}

// The commit script's arguments (see CommitScript).
std::vector<std::string> CommitArguments(absl::string_view patient_id, bool relayed, const std::string& expected,
                                         const StoredProgram& change, const std::optional<NewRecord>& record,
                                         PackFormat packing) {
  // The programme record is never packed: the compare-and-set is on its
  // bytes exactly as the caller read them.
  std::vector<std::string> arguments = {
      Sha1Hex(expected),
      change.program,
      PackValue(change.plan, packing),
      record.has_value() ? PackValue(record->bytes, packing) : std::string(),
      record.has_value() ? record->id : std::string(),
      absl::StrCat(record.has_value() ? record->order : 0),
      absl::StrCat(change.events.size())};
  AppendEvents(patient_id, relayed, change.events, arguments);
  if (record.has_value()) {
    for (const RecordQuota& quota : record->quotas) {
      arguments.push_back(ScoreBound(quota.range.first));
      arguments.push_back(ScoreBound(quota.range.last));
      arguments.push_back(absl::StrCat(quota.most));
    }
  }
  return arguments;
}

}  // namespace

RedisProgramStore::RedisProgramStore(std::shared_ptr<RedisPool> pool, PackFormat packing,
                                     std::shared_ptr<RedisEventFeed> feed)
    : pool_(std::move(pool)), packing_(packing), feed_(std::move(feed)) {}

bool RedisProgramStore::Relayed() const { return feed_ != nullptr && feed_->relayed(); }

std::string RedisProgramStore::EventsKey(absl::string_view patient_id) const {
  return feed_ != nullptr ? feed_->EventsKeyOf(patient_id) : RedisEventFeed::OutboxKey(patient_id);
}

absl::StatusOr<std::string> RedisProgramStore::MarkForEvents(absl::string_view patient_id,
                                                             const std::vector<OutboxEvent>& events) {
  if (events.empty()) return std::string();
  if (feed_ == nullptr) return absl::InternalError("redis store: a change raised events, but there is no feed");
  // Appended to the feed by the change itself: nothing can be left behind.
  if (!feed_->relayed()) return std::string(kAppendedMark);
  return feed_->MarkPending(patient_id);
}

void RedisProgramStore::RelayEvents(absl::string_view patient_id, const std::string& mark,
                                    const absl::StatusOr<RedisReply>& reply, bool changed) {
  if (mark.empty()) return;
  if (mark == kAppendedMark) {
    if (changed) feed_->Appended();
    return;
  }
  // The change is stored (or not) whatever happens here. A failure leaves
  // the mark, and the relay sweep relays the outbox for this writer; so
  // does a script whose reply was lost, which may or may not have run.
  if (!reply.ok()) return;
  if (!changed) {
    static_cast<void>(feed_->ClearMark(patient_id, mark));
  } else if (reply->elements.size() == 2) {
    static_cast<void>(feed_->Relay(patient_id, mark, &reply->elements[1]));
  }
}

absl::StatusOr<bool> RedisProgramStore::CreateProgram(absl::string_view patient_id,
                                                      absl::string_view program_id,
                                                      int64_t create_time_micros, const StoredProgram& program,
                                                      StoredProgram* stored) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  if (program.program.empty()) return absl::InvalidArgumentError("program: empty");
  absl::StatusOr<std::string> mark = MarkForEvents(patient_id, program.events);
  if (!mark.ok()) return mark.status();
  std::vector<std::string> arguments = {program.program, PackValue(program.plan, packing_),
                                        absl::StrCat(create_time_micros), std::string(program_id),
                                        absl::StrCat(program.events.size())};
  AppendEvents(patient_id, Relayed(), program.events, arguments);
  absl::StatusOr<RedisReply> reply = CreateScript().Run(
      *pool_,
      {ProgramKey(patient_id, program_id), PlanKey(patient_id, program_id),
       absl::StrCat(PatientPrefix(patient_id), "programs"), EventsKey(patient_id)},
      arguments);
  const bool created = reply.ok() && reply->type == RedisReply::Type::kArray && !reply->elements.empty() &&
                       reply->elements[0].integer == 1;
  RelayEvents(patient_id, *mark, reply, created);
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray || reply->elements.empty()) return Unexpected("create");
  if (created) {
    if (stored != nullptr) *stored = program;
    return true;
  }
  if (reply->elements.size() != 3 || reply->elements[1].type != RedisReply::Type::kString) {
    return Unexpected("create");
  }
  absl::StatusOr<std::string> plan = TextOrEmpty(reply->elements[2], "create");
  if (!plan.ok()) return plan.status();
  if (stored != nullptr) *stored = StoredProgram{std::move(reply->elements[1].text), *std::move(plan)};
  return false;
}

absl::StatusOr<std::optional<StoredProgram>> RedisProgramStore::GetProgram(absl::string_view patient_id,
                                                                           absl::string_view program_id) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  // One MGET: both keys share the patient's slot.
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"MGET", ProgramKey(patient_id, program_id), PlanKey(patient_id, program_id)});
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() != 2) return Unexpected("MGET");
  if (reply->elements[0].is_nil()) return std::nullopt;
  if (reply->elements[0].type != RedisReply::Type::kString) return Unexpected("MGET");
  absl::StatusOr<std::string> plan = TextOrEmpty(reply->elements[1], "MGET");
  if (!plan.ok()) return plan.status();
  return std::optional<StoredProgram>(StoredProgram{std::move(reply->elements[0].text), *std::move(plan)});
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
                                                       const std::string& expected, const StoredProgram& change,
                                                       const std::optional<NewRecord>& record,
                                                       std::string* stored_record) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  if (record.has_value() && (!IsOpaqueId(record->id) || record->bytes.empty())) {
    return absl::InvalidArgumentError("record: not valid");
  }
  const RecordKind kind = record.has_value() ? record->kind : RecordKind::kSession;
  absl::StatusOr<std::string> mark = MarkForEvents(patient_id, change.events);
  if (!mark.ok()) return mark.status();
  // Redis compares SHA-1 hex digests of the programme's bytes.
  absl::StatusOr<RedisReply> reply = CommitScript().Run(
      *pool_,
      {ProgramKey(patient_id, program_id), PlanKey(patient_id, program_id),
       record.has_value() ? absl::StrCat(RecordPrefix(patient_id, program_id, kind), record->id)
                          : RecordPrefix(patient_id, program_id, kind),
       RecordIndex(patient_id, program_id, kind), EventsKey(patient_id)},
      // The programme record is never packed: the compare-and-set is on its
      // bytes exactly as the caller read them.
      CommitArguments(patient_id, Relayed(), expected, change, record, packing_));
  const bool committed = reply.ok() && reply->type == RedisReply::Type::kArray && !reply->elements.empty() &&
                         reply->elements[0].text == "ok";
  RelayEvents(patient_id, *mark, reply, committed);
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray || reply->elements.empty()) return Unexpected("commit");
  const std::string& outcome = reply->elements[0].text;
  if (outcome == "ok") return CommitResult::kCommitted;
  if (outcome == "conflict") return CommitResult::kConflict;
  if (outcome == "missing") return CommitResult::kMissing;
  if (outcome == "quota") return CommitResult::kQuotaReached;
  if (outcome == "stored" && reply->elements.size() == 2) {
    if (stored_record != nullptr) {
      absl::StatusOr<std::string> unpacked = UnpackValue(std::move(reply->elements[1].text));
      if (!unpacked.ok()) return unpacked.status();
      *stored_record = *std::move(unpacked);
    }
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
  absl::StatusOr<std::string> unpacked = UnpackValue(std::move(reply->text));
  if (!unpacked.ok()) return unpacked.status();
  return std::optional<std::string>(*std::move(unpacked));
}

absl::StatusOr<std::vector<std::string>> RedisProgramStore::Records(absl::string_view patient_id,
                                                                    absl::string_view program_id,
                                                                    RecordKind kind, int limit,
                                                                    OrderRange range) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  if (limit < 1) return absl::InvalidArgumentError("limit: must be positive");
  absl::StatusOr<RedisReply> reply = RecordsScript().Run(
      *pool_, {RecordIndex(patient_id, program_id, kind)},
      {RecordPrefix(patient_id, program_id, kind), ScoreBound(range.first), ScoreBound(range.last),
       absl::StrCat(limit)});
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray) return Unexpected("records");
  std::vector<std::string> records;
  for (RedisReply& element : reply->elements) {
    absl::StatusOr<std::string> unpacked = UnpackValue(std::move(element.text));
    if (!unpacked.ok()) return unpacked.status();
    records.push_back(*std::move(unpacked));
  }
  return records;
}

namespace {

std::string CheckMember(absl::string_view patient_id, absl::string_view program_id) {
  return absl::StrCat(patient_id, " ", program_id);
}

}  // namespace

absl::Status RedisProgramStore::CheckAt(absl::string_view patient_id, absl::string_view program_id,
                                        absl::Time when) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"ZADD", RedisEventFeed::PartitionKeyOf(patient_id, "checks"),
                      absl::StrCat(absl::ToUnixMillis(when)), CheckMember(patient_id, program_id)});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::Status RedisProgramStore::Forget(absl::string_view patient_id, absl::string_view program_id) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  absl::StatusOr<RedisReply> reply = pool_->Execute(
      {"ZREM", RedisEventFeed::PartitionKeyOf(patient_id, "checks"), CheckMember(patient_id, program_id)});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::StatusOr<std::vector<ProgramStore::ProgramRef>> RedisProgramStore::DueChecks(absl::Time now, int limit) {
  std::vector<ProgramRef> due;
  for (int partition = 0; partition < RedisEventFeed::kPartitions && static_cast<int>(due.size()) < limit;
       ++partition) {
    absl::StatusOr<RedisReply> reply = pool_->Execute(
        {"ZRANGEBYSCORE", RedisEventFeed::PartitionKey(partition, "checks"), "-inf",
         absl::StrCat(absl::ToUnixMillis(now)), "LIMIT", "0", absl::StrCat(limit - static_cast<int>(due.size()))});
    if (!reply.ok()) return reply.status();
    for (const RedisReply& member : reply->elements) {
      const size_t space = member.text.find(' ');
      if (space == std::string::npos) continue;
      due.push_back(ProgramRef{member.text.substr(0, space), member.text.substr(space + 1)});
    }
  }
  return due;
}

absl::StatusOr<CommitResult> RedisProgramStore::RaiseOnce(absl::string_view patient_id,
                                                          absl::string_view program_id, absl::string_view once_id,
                                                          int64_t fence, const std::vector<OutboxEvent>& events) {
  if (absl::Status ids = CheckIds(patient_id, program_id); !ids.ok()) return ids;
  if (!IsOpaqueId(once_id) || events.empty()) return absl::InvalidArgumentError("once_id: not valid");
  absl::StatusOr<std::string> mark = MarkForEvents(patient_id, events);
  if (!mark.ok()) return mark.status();
  std::vector<std::string> arguments = {absl::StrCat(fence)};
  AppendEvents(patient_id, Relayed(), events, arguments);
  const std::string program_key = ProgramKey(patient_id, program_id);
  absl::StatusOr<RedisReply> reply = RaiseOnceScript().Run(
      *pool_,
      {program_key, absl::StrCat(program_key, ":raised:", once_id), absl::StrCat(program_key, ":fence"),
       EventsKey(patient_id)},
      arguments);
  const bool raised = reply.ok() && reply->type == RedisReply::Type::kArray && !reply->elements.empty() &&
                      reply->elements[0].text == "ok";
  RelayEvents(patient_id, *mark, reply, raised);
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray || reply->elements.empty()) return Unexpected("raise");
  const std::string& outcome = reply->elements[0].text;
  if (outcome == "ok") return CommitResult::kCommitted;
  if (outcome == "stored") return CommitResult::kAlreadyStored;
  if (outcome == "conflict") return CommitResult::kConflict;
  if (outcome == "missing") return CommitResult::kMissing;
  return Unexpected("raise");
}

absl::Status RedisProgramStore::CheckWritable() {
  absl::StatusOr<RedisReply> reply =
      pool_->Execute({"SET", "osteoflow:v1:readiness:progress", "1", "PX", "60000"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace osteoflow::progress

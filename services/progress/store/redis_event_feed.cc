#include "services/progress/store/redis_event_feed.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/digest/content_digest.h"
#include "common/redis/redis_script.h"

namespace osteoflow::progress {
namespace {

// Outbox entries relayed in one step.
constexpr int kRelayBatch = 100;
// Stale marks handled per partition in one sweep.
constexpr int kStaleBatch = 50;
// Marks a cursor as this feed's, in this layout.
constexpr absl::string_view kCursorPrefix = "feed1:";

// Appends a patient's outbox entries to its partition's feed, each once.
// KEYS[1] the feed, KEYS[2] the relayed hash, KEYS[3] the pending set;
// ARGV[1] the patient, ARGV[2] the mark to clear ('' none), then per entry
// its outbox id, type and event. Entries at or before the patient's last
// relayed id are skipped: another relay had them. Returns how many were
// appended.
const RedisScript& RelayScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local last = redis.call('HGET', KEYS[2], ARGV[1])
local last_ms, last_seq = -1, -1
if last then last_ms, last_seq = parse(last) end
local added = 0
for i = 3, #ARGV, 3 do
  local ms, seq = parse(ARGV[i])
  if ms > last_ms or (ms == last_ms and seq > last_seq) then
    redis.call('XADD', KEYS[1], '*', 'p', ARGV[1], 't', ARGV[i + 1], 'e', ARGV[i + 2])
    last_ms, last_seq, last = ms, seq, ARGV[i]
    added = added + 1
  end
end
if last then redis.call('HSET', KEYS[2], ARGV[1], last) end
if ARGV[2] ~= '' then redis.call('ZREM', KEYS[3], ARGV[2]) end
return added
)lua");
  return *script;
}

// ReadScript for several partitions on one node at once. KEYS: each
// partition's feed and removed id, in turn; ARGV[1] the count, then each
// partition's XRANGE start. Returns each partition's {removed, entries}.
const RedisScript& ReadAllScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local out = {}
for i = 1, #KEYS, 2 do
  local start = ARGV[(i + 1) / 2 + 1]
  out[#out + 1] = {redis.call('GET', KEYS[i + 1]) or '',
                   redis.call('XRANGE', KEYS[i], start, '+', 'COUNT', tonumber(ARGV[1]))}
end
return out
)lua");
  return *script;
}

// Removes a partition's events past the retention, keeping the greatest id
// removed. KEYS[1] the feed, KEYS[2] that id; ARGV[1] the retention in ms.
// Redis's own clock decides, as it made the ids.
const RedisScript& TrimScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local oldest = string.format('%d', math.max(0, now_ms - tonumber(ARGV[1])))
local doomed = redis.call('XREVRANGE', KEYS[1], '(' .. oldest .. '-0', '-', 'COUNT', 1)
if #doomed == 0 then return 0 end
redis.call('SET', KEYS[2], doomed[1][1])
return redis.call('XTRIM', KEYS[1], 'MINID', oldest)
)lua");
  return *script;
}

// One partition's entries after a position, and what the retention removed.
// KEYS[1] the feed, KEYS[2] the greatest id removed; ARGV[1] the XRANGE
// start, ARGV[2] the count. Returns {that id ('' none), entries}.
const RedisScript& ReadScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local removed = redis.call('GET', KEYS[2]) or ''
return {removed, redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', tonumber(ARGV[2]))}
)lua");
  return *script;
}

// A stream id's two numbers; {0, 0} for "" and for what does not parse.
using StreamId = std::pair<uint64_t, uint64_t>;
bool ParseStreamId(absl::string_view text, StreamId* id) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], &id->first) && absl::SimpleAtoi(parts[1], &id->second);
}
StreamId IdOf(absl::string_view text) {
  StreamId id{0, 0};
  if (!ParseStreamId(text, &id)) return {0, 0};
  return id;
}

int PartitionOf(absl::string_view patient_id) {
  return static_cast<unsigned char>(Sha256(patient_id)[0]) % RedisEventFeed::kPartitions;
}

// Per partition: "" (from the oldest kept, unchecked) or a stream id.
using Positions = std::array<std::string, RedisEventFeed::kPartitions>;

std::string EncodeCursor(const Positions& positions) {
  return absl::WebSafeBase64Escape(absl::StrCat(kCursorPrefix, absl::StrJoin(positions, ",")));
}

absl::StatusOr<Positions> DecodeCursor(absl::string_view cursor, absl::string_view field) {
  Positions positions;
  if (cursor.empty()) return positions;
  const absl::Status bad = absl::InvalidArgumentError(absl::StrCat(field, ": not a cursor this feed gave"));
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(cursor, &decoded)) return bad;
  absl::string_view text = decoded;
  if (!absl::ConsumePrefix(&text, kCursorPrefix)) return bad;
  const std::vector<std::string> parts = absl::StrSplit(text, ',');
  if (parts.size() != positions.size()) return bad;
  for (size_t i = 0; i < parts.size(); ++i) {
    StreamId id;
    if (!parts[i].empty() && !ParseStreamId(parts[i], &id)) return bad;
    positions[i] = parts[i];
  }
  return positions;
}

// A reply's string field values by name, from XRANGE's [k, v, k, v...].
std::string FieldOf(const RedisReply& fields, absl::string_view name) {
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.elements[i].text == name) return fields.elements[i + 1].text;
  }
  return std::string();
}

absl::Status Unexpected(absl::string_view what) {
  return absl::InternalError(absl::StrCat("event feed: unexpected reply to ", what));
}

// An XRANGE reply's entries: [[id, [field, value...]]...].
bool IsEntryList(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::kArray) return false;
  for (const RedisReply& entry : reply.elements) {
    if (entry.type != RedisReply::Type::kArray || entry.elements.size() != 2 ||
        entry.elements[1].type != RedisReply::Type::kArray) {
      return false;
    }
  }
  return true;
}

}  // namespace

RedisEventFeed::RedisEventFeed(std::shared_ptr<RedisPool> pool, EventFeedSettings settings)
    : pool_(std::move(pool)),
      settings_(settings),
      relayed_(pool_->options().topology == RedisAddress::Kind::kCluster),
      token_prefix_(absl::StrCat(absl::Hex(absl::Uniform<uint64_t>(absl::BitGen())), "-")) {}

std::string RedisEventFeed::OutboxKey(absl::string_view patient_id) {
  return absl::StrCat("osteoflow:v1:{", patient_id, "}:outbox");
}

std::string RedisEventFeed::EventsKeyOf(absl::string_view patient_id) const {
  return relayed_ ? OutboxKey(patient_id) : PartitionKeyOf(patient_id, "feed");
}

void RedisEventFeed::Appended() {
  absl::MutexLock lock(&mu_);
  ++relays_;
}

absl::Status RedisEventFeed::TrimToRetention() {
  const std::string retention_ms = absl::StrCat(absl::ToInt64Milliseconds(settings_.retention));
  for (int partition = 0; partition < kPartitions; ++partition) {
    absl::StatusOr<RedisReply> trimmed = TrimScript().Run(
        *pool_, {PartitionKey(partition, "feed"), PartitionKey(partition, "removed")}, {retention_ms});
    if (!trimmed.ok()) return trimmed.status();
  }
  return absl::OkStatus();
}

std::string RedisEventFeed::PartitionKey(int partition, absl::string_view what) {
  return absl::StrFormat("osteoflow:v1:{events-%02d}:%s", partition, what);
}

std::string RedisEventFeed::PartitionKeyOf(absl::string_view patient_id, absl::string_view what) {
  return PartitionKey(PartitionOf(patient_id), what);
}

absl::StatusOr<std::string> RedisEventFeed::MarkPending(absl::string_view patient_id) {
  std::string mark;
  {
    absl::MutexLock lock(&mu_);
    mark = absl::StrCat(patient_id, "\n", token_prefix_, ++tokens_);
  }
  absl::StatusOr<RedisReply> added =
      pool_->Execute({"ZADD", PartitionKey(PartitionOf(patient_id), "pending"),
                      absl::StrCat(absl::ToUnixMillis(absl::Now())), mark});
  if (!added.ok()) return added.status();
  return mark;
}

absl::Status RedisEventFeed::ClearMark(absl::string_view patient_id, absl::string_view mark) {
  absl::StatusOr<RedisReply> removed =
      pool_->Execute({"ZREM", PartitionKey(PartitionOf(patient_id), "pending"), std::string(mark)});
  return removed.ok() ? absl::OkStatus() : removed.status();
}

absl::Status RedisEventFeed::Relay(absl::string_view patient_id, absl::string_view mark, const RedisReply* outbox) {
  const int partition = PartitionOf(patient_id);
  RedisReply read;
  while (true) {
    if (outbox == nullptr) {
      absl::StatusOr<RedisReply> reply =
          pool_->Execute({"XRANGE", OutboxKey(patient_id), "-", "+", "COUNT", absl::StrCat(kRelayBatch)});
      if (!reply.ok()) return reply.status();
      read = *std::move(reply);
      outbox = &read;
    }
    if (!IsEntryList(*outbox)) return Unexpected("XRANGE");
    // The mark goes with the last batch: while it stands, the sweep would
    // relay what a failure here leaves.
    const bool last_batch = outbox->elements.size() < static_cast<size_t>(kRelayBatch);
    std::vector<std::string> arguments = {std::string(patient_id), last_batch ? std::string(mark) : std::string()};
    std::vector<std::string> relayed = {"XDEL", OutboxKey(patient_id)};
    for (const RedisReply& entry : outbox->elements) {
      arguments.push_back(entry.elements[0].text);
      arguments.push_back(FieldOf(entry.elements[1], "t"));
      arguments.push_back(FieldOf(entry.elements[1], "e"));
      relayed.push_back(entry.elements[0].text);
    }
    absl::StatusOr<RedisReply> appended =
        RelayScript().Run(*pool_,
                          {PartitionKey(partition, "feed"), PartitionKey(partition, "relayed"),
                           PartitionKey(partition, "pending")},
                          arguments);
    if (!appended.ok()) return appended.status();
    if (relayed.size() > 2) {
      absl::StatusOr<RedisReply> deleted = pool_->Execute(relayed);
      if (!deleted.ok()) return deleted.status();
    }
    if (appended->integer > 0) {
      absl::MutexLock lock(&mu_);
      ++relays_;
    }
    if (last_batch) return absl::OkStatus();
    outbox = nullptr;
  }
}

absl::StatusOr<int> RedisEventFeed::RelayStale() {
  const std::string before = absl::StrCat(absl::ToUnixMillis(absl::Now() - settings_.relay_after));
  int relayed = 0;
  for (int partition = 0; partition < kPartitions; ++partition) {
    absl::StatusOr<RedisReply> marks = pool_->Execute({"ZRANGEBYSCORE", PartitionKey(partition, "pending"), "-inf",
                                                       before, "LIMIT", "0", absl::StrCat(kStaleBatch)});
    if (!marks.ok()) return marks.status();
    for (const RedisReply& mark : marks->elements) {
      const size_t newline = mark.text.find('\n');
      if (newline == std::string::npos) {
        if (absl::Status cleared = ClearMark(std::string(), mark.text); !cleared.ok()) return cleared;
        continue;
      }
      if (absl::Status done = Relay(mark.text.substr(0, newline), mark.text); !done.ok()) return done;
      ++relayed;
    }
  }
  return relayed;
}

absl::StatusOr<EventFeed::Page> RedisEventFeed::Read(absl::string_view cursor, absl::string_view cursor_field,
                                                     const Filter& filter, int limit) {
  absl::StatusOr<Positions> positions = DecodeCursor(cursor, cursor_field);
  if (!positions.ok()) return positions.status();
  if (limit < 1) return absl::InvalidArgumentError("limit: must be positive");
  std::vector<int> partitions;
  if (filter.patient_id.empty()) {
    for (int partition = 0; partition < kPartitions; ++partition) partitions.push_back(partition);
  } else {
    partitions.push_back(PartitionOf(filter.patient_id));
  }

  struct Read {
    StreamId id;
    int partition;
    std::string id_text;
    std::string patient;
    std::string type;
    std::string event;
  };
  std::vector<Read> reads;
  Positions oldest = *positions;
  bool out_of_range = false;
  // Each partition's {removed, entries}: on one node in one script, on a
  // cluster (partitions in slots of their own) one read each.
  std::vector<RedisReply> replies;
  if (!relayed_ && partitions.size() > 1) {
    std::vector<std::string> keys;
    std::vector<std::string> arguments = {absl::StrCat(limit)};
    for (const int partition : partitions) {
      keys.push_back(PartitionKey(partition, "feed"));
      keys.push_back(PartitionKey(partition, "removed"));
      const std::string& position = (*positions)[partition];
      arguments.push_back(position.empty() ? "-" : absl::StrCat("(", position));
    }
    absl::StatusOr<RedisReply> reply = ReadAllScript().Run(*pool_, keys, arguments);
    if (!reply.ok()) return reply.status();
    if (reply->type != RedisReply::Type::kArray || reply->elements.size() != partitions.size()) {
      return Unexpected("a feed read");
    }
    replies = std::move(reply->elements);
  } else {
    for (const int partition : partitions) {
      const std::string& position = (*positions)[partition];
      absl::StatusOr<RedisReply> reply =
          ReadScript().Run(*pool_, {PartitionKey(partition, "feed"), PartitionKey(partition, "removed")},
                           {position.empty() ? "-" : absl::StrCat("(", position), absl::StrCat(limit)});
      if (!reply.ok()) return reply.status();
      replies.push_back(*std::move(reply));
    }
  }
  for (size_t i = 0; i < partitions.size(); ++i) {
    const int partition = partitions[i];
    std::string& position = (*positions)[partition];
    RedisReply* reply = &replies[i];
    if (reply->type != RedisReply::Type::kArray || reply->elements.size() != 2 || !IsEntryList(reply->elements[1])) {
      return Unexpected("a feed read");
    }
    const std::string& removed = reply->elements[0].text;
    if (position.empty()) {
      // From the oldest kept: from here on, what the retention removes is
      // seen as removed.
      position = removed.empty() ? "0-0" : removed;
    } else if (!removed.empty() && IdOf(removed) > IdOf(position)) {
      out_of_range = true;
      oldest[partition] = removed;
    }
    for (RedisReply& entry : reply->elements[1].elements) {
      RedisReply& fields = entry.elements[1];
      reads.push_back(Read{IdOf(entry.elements[0].text), partition, entry.elements[0].text, FieldOf(fields, "p"),
                           FieldOf(fields, "t"), FieldOf(fields, "e")});
    }
  }
  if (out_of_range) {
    return absl::OutOfRangeError(absl::StrCat(cursor_field,
                                              ": events after it are past the feed's retention; the oldest "
                                              "cursor still readable is ",
                                              EncodeCursor(oldest)));
  }
  // Partitions are merged in the order their events were appended.
  std::sort(reads.begin(), reads.end(),
            [](const Read& a, const Read& b) { return std::tie(a.id, a.partition) < std::tie(b.id, b.partition); });
  Page page;
  page.at_end = reads.size() < static_cast<size_t>(limit);
  if (reads.size() > static_cast<size_t>(limit)) reads.resize(limit);
  for (Read& read : reads) {
    (*positions)[read.partition] = read.id_text;
    if (!filter.patient_id.empty() && read.patient != filter.patient_id) continue;
    if (!filter.types.empty() && !filter.types.contains(read.type)) continue;
    page.entries.push_back(
        Entry{std::move(read.patient), std::move(read.type), std::move(read.event), EncodeCursor(*positions)});
  }
  page.cursor = EncodeCursor(*positions);
  return page;
}

absl::StatusOr<std::string> RedisEventFeed::End() {
  Positions positions;
  for (int partition = 0; partition < kPartitions; ++partition) {
    absl::StatusOr<RedisReply> reply =
        pool_->Execute({"XREVRANGE", PartitionKey(partition, "feed"), "+", "-", "COUNT", "1"});
    if (!reply.ok()) return reply.status();
    if (!IsEntryList(*reply)) return Unexpected("XREVRANGE");
    positions[partition] = reply->elements.empty() ? "0-0" : reply->elements[0].elements[0].text;
  }
  return EncodeCursor(positions);
}

void RedisEventFeed::AwaitRelay(int64_t seen, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  const auto relayed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return relays_ != seen; };
  mu_.AwaitWithDeadline(absl::Condition(&relayed), deadline);
}

int64_t RedisEventFeed::Relays() {
  absl::MutexLock lock(&mu_);
  return relays_;
}

}  // namespace osteoflow::progress

#pragma once

#include <memory>

#include "common/redis/redis_pool.h"
#include "services/progress/domain/program_store.h"
#include "services/progress/store/packed_values.h"
#include "services/progress/store/redis_event_feed.h"

namespace osteoflow::progress {

// ProgramStore on the Redis store role (append-only, fsync always). Keys:
//   osteoflow:v1:{<patient>}:program:<program_id>            the Program, without its plan
//   osteoflow:v1:{<patient>}:program:<program_id>:plan       the current week's WeeklyPlan
//   osteoflow:v1:{<patient>}:programs                        sorted set, by create time
//   osteoflow:v1:{<patient>}:program:<program_id>:session:<id>      a SessionLog
//   osteoflow:v1:{<patient>}:program:<program_id>:sessions          sorted set of ids, by order
//   (and :measurement:<id> / :measurements, :week:<id> / :weeks alike)
//   osteoflow:v1:{<patient>}:outbox                          the events changes raised (redis_event_feed.h)
//   osteoflow:v1:{<patient>}:program:<program_id>:raised:<id>    an event raised once (a missed stretch)
//   osteoflow:v1:{<patient>}:program:<program_id>:fence          the latest sweep lease that wrote
//   osteoflow:v1:{events-NN}:checks      sorted set "<patient> <program_id>" → ms the sweep is due
// Plans and records of 2 KB or more are stored compressed (packed_values.h).
// Changes run as one Lua script (by its SHA-1), which Redis applies
// atomically and, with appendfsync always, writes to disk before it answers.
class RedisProgramStore final : public ProgramStore {
 public:
  // `feed` relays the events changes raise; a change with events and no
  // feed is refused INTERNAL.
  explicit RedisProgramStore(std::shared_ptr<RedisPool> pool, PackFormat packing = PackFormat::kZstd,
                             std::shared_ptr<RedisEventFeed> feed = nullptr);

  absl::StatusOr<bool> CreateProgram(absl::string_view patient_id, absl::string_view program_id,
                                     int64_t create_time_micros, const StoredProgram& program,
                                     StoredProgram* stored) override;
  absl::StatusOr<std::optional<StoredProgram>> GetProgram(absl::string_view patient_id,
                                                        absl::string_view program_id) override;
  absl::StatusOr<ProgramPage> ListPrograms(absl::string_view patient_id, int page_size,
                                           absl::string_view cursor) override;
  absl::StatusOr<CommitResult> Commit(absl::string_view patient_id, absl::string_view program_id,
                                      const std::string& expected, const StoredProgram& change,
                                      const std::optional<NewRecord>& record,
                                      std::string* stored_record) override;
  absl::StatusOr<std::optional<std::string>> GetRecord(absl::string_view patient_id,
                                                       absl::string_view program_id, RecordKind kind,
                                                       absl::string_view record_id) override;
  absl::StatusOr<std::vector<std::string>> Records(absl::string_view patient_id,
                                                   absl::string_view program_id, RecordKind kind,
                                                   int limit, OrderRange range) override;

  absl::Status CheckAt(absl::string_view patient_id, absl::string_view program_id, absl::Time when) override;
  absl::Status Forget(absl::string_view patient_id, absl::string_view program_id) override;
  absl::StatusOr<std::vector<ProgramRef>> DueChecks(absl::Time now, int limit) override;
  absl::StatusOr<CommitResult> RaiseOnce(absl::string_view patient_id, absl::string_view program_id,
                                         absl::string_view once_id, int64_t fence,
                                         const std::vector<OutboxEvent>& events) override;

  // Writes a short-lived key of its own: OK when a change could be stored now.
  absl::Status CheckWritable();

 private:
  // Whether a change's events go to the outbox and are relayed (Redis
  // Cluster), rather than straight to the feed; and where they go.
  bool Relayed() const;
  std::string EventsKey(absl::string_view patient_id) const;
  // The patient marked pending when the change raises events and they are
  // relayed; "" when it raises none.
  absl::StatusOr<std::string> MarkForEvents(absl::string_view patient_id, const std::vector<OutboxEvent>& events);
  // After the change's script (its reply, and whether it changed anything):
  // the outbox relayed, or the mark cleared when nothing changed.
  void RelayEvents(absl::string_view patient_id, const std::string& mark, const absl::StatusOr<RedisReply>& reply,
                   bool changed);

  const std::shared_ptr<RedisPool> pool_;
  const PackFormat packing_;
  const std::shared_ptr<RedisEventFeed> feed_;
};

}  // namespace osteoflow::progress

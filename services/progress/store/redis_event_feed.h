#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_reply.h"
#include "services/progress/domain/event_feed.h"

namespace osteoflow::progress {

struct EventFeedSettings {
  // How long the feed keeps an event.
  absl::Duration retention = absl::Hours(24 * 30);
  // A writer's pending mark older than this is taken as a writer that died
  // between its change and the relay: RelayStale relays that patient's
  // outbox. Well above a store command's timeout, so that a slow writer is
  // not mistaken for a dead one.
  absl::Duration relay_after = absl::Seconds(15);
};

// The event feed on the Redis store role, and the relay that fills it.
//
// On one Redis (a single node, or a Sentinel set's primary) a change's
// script appends its events to the patient's feed partition itself: the
// change and its events are one atomic step, and there is nothing to relay.
//
// On Redis Cluster the partition lives in another slot, so a change's events
// go into its patient's outbox, a stream in the patient's slot, in the same
// script as the change. Before that script the writer
// marks the patient pending in its feed partition; after it, the writer
// relays the outbox into the partition's feed stream and the mark goes in the
// same step. A writer that dies in between leaves its mark, and RelayStale
// (run by every replica, every second) relays for it. The relay keeps, per
// patient, the last outbox entry it relayed, so an event is appended to the
// feed once however many relays race, in the patient's order.
//
// Keys (16 partitions, NN = 00..15, a patient's partition fixed by its id):
//   osteoflow:v1:{<patient>}:outbox     stream: p (patient), t (type), e (CloudEvent); Cluster only
//   osteoflow:v1:{events-NN}:feed       stream: p (patient), t, e
//   osteoflow:v1:{events-NN}:relayed    hash: patient → last outbox id relayed
//   osteoflow:v1:{events-NN}:pending    sorted set: "<patient>\n<token>" → ms
//   osteoflow:v1:{events-NN}:removed    the greatest feed id the retention removed
class RedisEventFeed final : public EventFeed {
 public:
  static constexpr int kPartitions = 16;

  RedisEventFeed(std::shared_ptr<RedisPool> pool, EventFeedSettings settings);

  static std::string OutboxKey(absl::string_view patient_id);
  // Whether events go through the outbox and the relay (Redis Cluster).
  bool relayed() const { return relayed_; }
  // Where a change's script appends the patient's events: the outbox when
  // relayed, else the feed partition.
  std::string EventsKeyOf(absl::string_view patient_id) const;
  // A change appended events to the feed itself: watchers here are woken.
  void Appended();
  // Removes the events past the retention from every partition, keeping the
  // greatest id removed for OUT_OF_RANGE; run periodically.
  absl::Status TrimToRetention();
  // A key of the patient's partition: "osteoflow:v1:{events-NN}:<what>".
  static std::string PartitionKeyOf(absl::string_view patient_id, absl::string_view what);
  // The same key of partition `partition` (0..kPartitions-1).
  static std::string PartitionKey(int partition, absl::string_view what);

  // Before a change that raises events: the patient marked pending; the mark.
  absl::StatusOr<std::string> MarkPending(absl::string_view patient_id);
  // After it: the patient's outbox relayed and `mark` cleared. `outbox`, when
  // given, is the outbox as the change's script read it (XRANGE's reply),
  // which saves reading it again.
  absl::Status Relay(absl::string_view patient_id, absl::string_view mark, const RedisReply* outbox = nullptr);
  // After a change that did not happen: `mark` cleared.
  absl::Status ClearMark(absl::string_view patient_id, absl::string_view mark);
  // Relays for writers whose marks are older than relay_after; how many.
  absl::StatusOr<int> RelayStale();

  absl::StatusOr<Page> Read(absl::string_view cursor, absl::string_view cursor_field, const Filter& filter,
                            int limit) override;
  absl::StatusOr<std::string> End() override;
  void AwaitRelay(int64_t seen, absl::Time deadline) override;
  int64_t Relays() override;

 private:
  const std::shared_ptr<RedisPool> pool_;
  const EventFeedSettings settings_;
  const bool relayed_;
  // Makes marks unique across processes.
  const std::string token_prefix_;
  absl::Mutex mu_;
  int64_t relays_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t tokens_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace osteoflow::progress

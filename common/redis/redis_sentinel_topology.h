#pragma once

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_topology.h"

namespace osteoflow {

// The primary a Sentinel set names (redis-sentinel://...). It is looked up
// with SENTINEL get-master-addr-by-name, asking the sentinels in turn (the
// one that answered is asked first next time), when it is not known, after
// a connection to it failed or it answered READONLY, and every
// topology_check_interval in a background thread; and a second thread keeps
// a subscription to +promoted-slave and +switch-master on one sentinel, so a
// switch is followed the moment the sentinels make it.
//
// The event matters most when the old primary is still alive and still
// taking writes after the sentinels chose another (a manual failover, a
// partition): the sentinels wait seconds before demoting it, and nothing
// fails meanwhile that would send the pool looking. A crash is noticed at
// once anyway through the failures it causes. The poll stays because a
// subscription can die silently (a partitioned sentinel sends nothing, and
// nothing says so); it bounds how long a missed event goes unnoticed. The
// event shortens the window of writes to a demoted primary, it does not
// close it: only WAIT does (see RedisAcknowledgement), since the sentinels
// take the old primary's replicas away when they switch.
class SentinelTopology final : public RedisTopology {
 public:
  explicit SentinelTopology(const RedisPoolOptions& options);
  ~SentinelTopology() override;

  absl::StatusOr<RedisEndpoint> NodeFor(std::optional<int> slot) override;
  void NodeFailed(const RedisEndpoint& node) override;
  bool Serves(const RedisEndpoint& node) const override;
  absl::Status CheckNewConnection(RedisConnection& connection) override;
  bool FollowsRedirects() const override { return true; }
  std::string Describe() const override;

 private:
  // Asks each sentinel in turn until one names the primary.
  absl::StatusOr<RedisEndpoint> AskSentinels() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lookup_mu_);
  // Looks the primary up, unless it is known and fresh, or (unless
  // `forced`) another caller looked it up a moment ago.
  void LookUp(bool forced) ABSL_LOCKS_EXCLUDED(mu_, lookup_mu_);
  void PollUntilStopped();
  // Keeps the events' subscription on one sentinel after another
  // (moving on when one fails), adopting each switch of this primary.
  void ListenUntilStopped();
  // Takes `primary` as the primary, logging a change (`how` it was learnt).
  void Adopt(const RedisEndpoint& primary, absl::string_view how) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits up to `interval`; true when the topology is stopping.
  bool StoppingAfter(absl::Duration interval) ABSL_LOCKS_EXCLUDED(mu_);

  const std::string role_;
  const std::string primary_name_;
  const absl::Duration connect_timeout_;
  const absl::Duration command_timeout_;
  const absl::Duration check_interval_;
  // Every sentinel, in the order given: the listener's own rota.
  const std::vector<RedisEndpoint> all_sentinels_;

  // One lookup at a time: callers that find the primary unknown wait for
  // the lookup under way instead of all asking the sentinels.
  absl::Mutex lookup_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::vector<RedisEndpoint> sentinels_ ABSL_GUARDED_BY(lookup_mu_);
  // An open connection to sentinels_.front(), or null.
  std::unique_ptr<RedisConnection> kept_ ABSL_GUARDED_BY(lookup_mu_);

  mutable absl::Mutex mu_;
  std::optional<RedisEndpoint> primary_ ABSL_GUARDED_BY(mu_);
  bool stale_ ABSL_GUARDED_BY(mu_) = true;
  absl::Time looked_up_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::string last_failure_ ABSL_GUARDED_BY(mu_) = "not looked up yet";
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread poller_;
  std::thread listener_;
};

}  // namespace osteoflow

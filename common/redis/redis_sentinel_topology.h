#pragma once

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_topology.h"

namespace osteoflow {

// The primary a Sentinel set names (redis-sentinel://...). It is looked up
// with SENTINEL get-master-addr-by-name, asking the sentinels in turn (the
// one that answered is asked first next time), when it is not known, after
// a connection to it failed or it answered READONLY, and every
// topology_check_interval in a background thread.
//
// Polling instead of subscribing to +switch-master: a crash is noticed at
// once anyway through the failures it causes (refused connections, then
// READONLY once the old primary is back as a replica); polling covers the
// case those miss, an old primary still alive and still taking writes after
// the sentinels chose another (a manual failover, a partition), for which
// the sentinels wait about eight seconds before demoting it. A poll is one
// round trip on a kept connection; it needs no subscribed connection per
// sentinel, nor a reader thread that must notice when that connection
// silently dies. A subscription would shorten that window from the poll
// interval to a round trip, not close it: only WAIT closes it (see
// RedisAcknowledgement), since the sentinels take the old primary's
// replicas away when they switch.
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

  const std::string role_;
  const std::string primary_name_;
  const absl::Duration connect_timeout_;
  const absl::Duration command_timeout_;
  const absl::Duration check_interval_;

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
};

}  // namespace osteoflow

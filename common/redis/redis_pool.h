#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_acknowledgement.h"
#include "common/redis/redis_address.h"
#include "common/redis/redis_metrics.h"
#include "common/redis/redis_reply.h"

namespace osteoflow {

class RedisConnection;
class RedisTopology;

struct RedisPoolOptions {
  // For messages: which Redis this is ("store", "cache").
  std::string role = "redis";
  // One Redis (kSingle) at host:port.
  std::string host = "127.0.0.1";
  int port = 6379;
  // Or the primary a Sentinel set names (kSentinel: seeds are the
  // sentinels), or a Redis Cluster (kCluster: seeds are nodes to read the
  // slot map from).
  RedisAddress::Kind topology = RedisAddress::Kind::kSingle;
  std::vector<RedisEndpoint> seeds = {};
  std::string primary_name = {};
  // How often the sentinels are asked which node is the primary: the most
  // an old primary still alive keeps getting writes after a switch.
  absl::Duration topology_check_interval = absl::Milliseconds(250);
  absl::Duration connect_timeout = absl::Milliseconds(200);
  // How long one command may take, and within it the redirects, retries
  // (TRYAGAIN, CLUSTERDOWN, READONLY) and acknowledgement of one call.
  absl::Duration command_timeout = absl::Milliseconds(500);
  int max_connections = 8;
  // How long a caller waits for a free connection when all are busy.
  absl::Duration acquire_timeout = absl::Milliseconds(200);
  // WAIT for replicas after every call that may write (the store's policy;
  // off by default).
  RedisAcknowledgement acknowledgement = {};
};

// A small pool of hiredis connections (a context is not thread-safe, so each
// call borrows one). Connections are made on demand, so a pool can be created
// while Redis is down: calls then fail with UNAVAILABLE, and succeed again as
// soon as Redis is back, with no restart. A connection that saw an I/O error
// or timeout is closed, never reused.
//
// Under a Sentinel or Cluster address each call goes to the node the
// topology names (the primary; the primary of the call's slot), following
// MOVED and ASK and retrying TRYAGAIN, CLUSTERDOWN and READONLY with a short
// backoff within command_timeout. In a cluster every call must stay in one
// slot (see PipelineSlot): one that would not is refused INTERNAL unsent.
class RedisPool {
 public:
  explicit RedisPool(RedisPoolOptions options);
  ~RedisPool();

  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Runs one command. UNAVAILABLE when Redis cannot be reached, times out,
  // or answers that it cannot serve (LOADING, MISCONF, OOM, READONLY...);
  // INTERNAL for any other error reply.
  absl::StatusOr<RedisReply> Execute(const std::vector<std::string>& command);

  // Sends several commands on one connection in one round trip and returns
  // their replies in order (use MULTI ... EXEC inside for atomicity). Error
  // replies are returned as replies, not as a failed status.
  absl::StatusOr<std::vector<RedisReply>> ExecutePipeline(
      const std::vector<std::vector<std::string>>& commands);

  // PING; OK when Redis answers.
  absl::Status Ping();

  const RedisPoolOptions& options() const { return options_; }

 private:
  // A connection to `node`: an idle one, or a new one (closing an idle one
  // to another node when all are open). `node_failed` says that the node
  // could not be reached or is not what the topology expected (so the
  // topology should look again), as opposed to all connections being busy.
  absl::StatusOr<std::unique_ptr<RedisConnection>> Acquire(const RedisEndpoint& node, bool* node_failed);
  void Release(std::unique_ptr<RedisConnection> connection, bool healthy);
  absl::Status Unavailable(const RedisEndpoint& node, absl::string_view what) const;
  // Counts an error reply by what it means: Redis cannot serve now, or it
  // refused the command.
  void CountErrorReply(const RedisReply& reply);
  // The pool's gauges, from open_ and idle_.
  void ReportConnections() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RedisPoolOptions options_;
  RedisMetrics metrics_;
  const std::unique_ptr<RedisTopology> topology_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

// UNAVAILABLE for error replies that mean "cannot serve now", INTERNAL for
// the rest, OK for any other reply.
absl::Status StatusOfReply(const RedisReply& reply, absl::string_view role);

}  // namespace osteoflow

#include "common/redis/redis_pool.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_connection.h"
#include "common/redis/redis_topology.h"

namespace osteoflow {

absl::Status StatusOfReply(const RedisReply& reply, absl::string_view role) {
  if (reply.type != RedisReply::Type::kError) return absl::OkStatus();
  // MOVED and ASK reach a caller only when a slot kept moving for a whole
  // command timeout; a read-only script stopped by a key the migration
  // moved, likewise.
  for (const absl::string_view transient :
       {"LOADING", "MISCONF", "OOM", "READONLY", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
        "NOREPLICAS", "MOVED ", "ASK "}) {
    if (absl::StartsWith(reply.text, transient)) {
      return absl::UnavailableError(absl::StrCat("redis ", role, " cannot serve: ", reply.text));
    }
  }
  if (absl::StrContains(reply.text, "Script attempted to access a non local key")) {
    return absl::UnavailableError(absl::StrCat("redis ", role, " cannot serve: ", reply.text));
  }
  return absl::InternalError(absl::StrCat("redis ", role, " refused a command: ", reply.text));
}

RedisPool::RedisPool(RedisPoolOptions options)
    : options_(std::move(options)),
      metrics_(options_.role, options_.max_connections),
      topology_(MakeRedisTopology(options_)) {}

RedisPool::~RedisPool() = default;

void RedisPool::ReportConnections() { metrics_.Connections(open_, static_cast<int>(idle_.size())); }

void RedisPool::CountErrorReply(const RedisReply& reply) {
  // A script Redis has not cached yet is sent again in full by its caller:
  // a step of running it, not a failure.
  if (absl::StartsWith(reply.text, "NOSCRIPT")) return;
  metrics_.Error(StatusOfReply(reply, options_.role).code() == absl::StatusCode::kUnavailable
                     ? RedisMetrics::ErrorKind::kUnavailable
                     : RedisMetrics::ErrorKind::kRefused);
}

absl::Status RedisPool::Unavailable(const RedisEndpoint& node, absl::string_view what) const {
  return absl::UnavailableError(absl::StrCat("redis ", options_.role, " at ", node.ToString(), ": ", what));
}

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisPool::Acquire(const RedisEndpoint& node, bool* node_failed) {
  *node_failed = false;
  const absl::Time deadline = absl::Now() + options_.acquire_timeout;
  for (;;) {
    std::unique_ptr<RedisConnection> idle;
    std::unique_ptr<RedisConnection> evicted;
    {
      absl::MutexLock lock(&mu_);
      auto can_proceed = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < options_.max_connections;
      };
      if (!can_proceed()) {
        metrics_.Waited();
        if (!mu_.AwaitWithDeadline(absl::Condition(&can_proceed), deadline)) {
          metrics_.Error(RedisMetrics::ErrorKind::kTimeout);
          return Unavailable(node, absl::StrCat("all ", options_.max_connections, " connections are busy"));
        }
      }
      const auto same_node = std::find_if(idle_.rbegin(), idle_.rend(),
                                          [&node](const auto& connection) { return connection->node() == node; });
      if (same_node != idle_.rend()) {
        idle = std::move(*same_node);
        idle_.erase(std::next(same_node).base());
        ReportConnections();
      } else if (open_ < options_.max_connections) {
        ++open_;  // reserve a slot; connect outside the lock
        ReportConnections();
        break;
      } else {
        // Every connection is open, some idle to other nodes: the oldest
        // of those makes room.
        evicted = std::move(idle_.front());
        idle_.erase(idle_.begin());
        ReportConnections();
        break;
      }
    }
    if (!idle->ClosedByServer()) return idle;
    // Redis restarted or dropped it while it sat idle: using it would fail
    // the caller's command for nothing.
    Release(std::move(idle), /*healthy=*/false);
  }
  auto give_back_slot = [this] {
    absl::MutexLock lock(&mu_);
    --open_;
    ReportConnections();
  };
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Open(node, options_.connect_timeout, options_.command_timeout);
  if (!connection.ok()) {
    metrics_.Error(absl::IsDeadlineExceeded(connection.status()) ? RedisMetrics::ErrorKind::kTimeout
                                                                 : RedisMetrics::ErrorKind::kUnavailable);
    give_back_slot();
    *node_failed = true;
    return Unavailable(node, connection.status().message());
  }
  if (absl::Status checked = topology_->CheckNewConnection(**connection); !checked.ok()) {
    metrics_.Error(absl::IsDeadlineExceeded(checked) ? RedisMetrics::ErrorKind::kTimeout
                                                     : RedisMetrics::ErrorKind::kUnavailable);
    connection->reset();
    give_back_slot();
    *node_failed = true;
    return Unavailable(node, checked.message());
  }
  return connection;
}

void RedisPool::Release(std::unique_ptr<RedisConnection> connection, bool healthy) {
  // A connection to a node the topology has left (an old primary, a node
  // whose slots all moved) would only sit there.
  if (healthy && !topology_->Serves(connection->node())) healthy = false;
  if (!healthy) connection.reset();  // closes it outside the lock
  absl::MutexLock lock(&mu_);
  if (healthy) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  ReportConnections();
}

}  // namespace osteoflow

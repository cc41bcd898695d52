#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/redis/redis_address.h"
#include "common/redis/redis_connection.h"

namespace osteoflow {

struct RedisPoolOptions;

// Where the pool sends a command: the one Redis of a host:port address, the
// primary a Sentinel set names, or the Cluster node that serves the slot.
// The pool tells it what it learns from failures and redirects. Thread-safe.
class RedisTopology {
 public:
  virtual ~RedisTopology() = default;

  // The node for a command on `slot` (nullopt: a command with no key, which
  // any primary may run). UNAVAILABLE when no node is known.
  virtual absl::StatusOr<RedisEndpoint> NodeFor(std::optional<int> slot) = 0;

  // A connection to `node` failed, or it answered as a replica: the primary
  // or the slot map may have changed.
  virtual void NodeFailed(const RedisEndpoint& node) { (void)node; }

  // MOVED: `slot` is served by `node` from now on.
  virtual void SlotMoved(int slot, const RedisEndpoint& node) {
    (void)slot;
    (void)node;
  }

  // Whether connections to `node` are worth keeping idle.
  virtual bool Serves(const RedisEndpoint& node) const {
    (void)node;
    return true;
  }

  // Run on every new connection before its first command (Sentinel: ROLE
  // must say master, as the Sentinel client guidelines ask).
  virtual absl::Status CheckNewConnection(RedisConnection& connection) {
    (void)connection;
    return absl::OkStatus();
  }

  // Whether MOVED, ASK, TRYAGAIN, CLUSTERDOWN and READONLY are acted on.
  // One Redis at host:port does not: its replies reach the caller as they
  // always did.
  virtual bool FollowsRedirects() const = 0;

  // For messages: where the role's Redis is.
  virtual std::string Describe() const = 0;
};

// The topology of the pool's address.
std::unique_ptr<RedisTopology> MakeRedisTopology(const RedisPoolOptions& options);

}  // namespace osteoflow

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/redis_process.h"

namespace osteoflow::testing {

// A primary, its replicas and the sentinels that watch them, on loopback,
// durable as the store is (append-only, fsync on every write). Sentinel
// timeouts are short so that a failover takes a second or two.
class RedisSentinelSet {
 public:
  struct Options {
    int replicas = 2;
    int sentinels = 3;
    std::string primary_name = "store";
    absl::Duration down_after = absl::Milliseconds(500);
    absl::Duration failover_timeout = absl::Seconds(2);
  };

  // Returns once every sentinel knows the others and the replicas, and the
  // replicas are in sync.
  static absl::StatusOr<std::unique_ptr<RedisSentinelSet>> Start(Options options);

  // redis-sentinel://<every sentinel>/<primary name>
  std::string address() const;
  // The data nodes: node(0) is the first primary.
  RedisProcess& node(int i) { return *nodes_[static_cast<size_t>(i)]; }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  RedisProcess& sentinel(int i) { return *sentinels_[static_cast<size_t>(i)]; }
  // The data node on `port`, or nullptr.
  RedisProcess* NodeOnPort(int port);

  // The primary's port as the first sentinel that answers names it.
  absl::StatusOr<int> PrimaryPort() const;
  // Waits until every running sentinel names a primary other than
  // `old_port` and that node answers ROLE as a master; its port.
  absl::StatusOr<int> WaitForNewPrimary(int old_port, absl::Duration timeout) const;
  // Waits until the primary on `primary_port` has `replicas` replicas online.
  absl::Status WaitForReplicas(int primary_port, int replicas, absl::Duration timeout) const;

 private:
  explicit RedisSentinelSet(Options options) : options_(std::move(options)) {}

  const Options options_;
  std::vector<std::unique_ptr<RedisProcess>> nodes_;
  std::vector<std::unique_ptr<RedisProcess>> sentinels_;
};

// The durable data node arguments the store runs with, and a replication
// start without the default five-second wait.
std::vector<std::string> DurableNodeArgs();

}  // namespace osteoflow::testing

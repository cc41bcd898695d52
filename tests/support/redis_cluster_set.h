#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/support/redis_process.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {

// A Redis Cluster on loopback made by redis-cli --cluster create: primaries,
// each with its replicas, durable as the store is. The node timeout is
// short so that a replica takes over a dead primary within a few seconds.
class RedisClusterSet {
 public:
  struct Options {
    int primaries = 3;
    int replicas_each = 1;
    absl::Duration node_timeout = absl::Milliseconds(1000);
  };

  // Returns once every node says cluster_state:ok and every replica is in
  // sync.
  static absl::StatusOr<std::unique_ptr<RedisClusterSet>> Start(Options options);

  // redis-cluster://<every node>
  std::string address() const;
  RedisProcess& node(int i) { return *nodes_[static_cast<size_t>(i)]; }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  RedisProcess* NodeOnPort(int port);

  // redis-cli with `args` (--cluster ...), to its end.
  absl::StatusOr<ProcessResult> Cli(const std::vector<std::string>& args, absl::Duration timeout) const;
  // The node id (CLUSTER MYID) of the node on `port`.
  absl::StatusOr<std::string> NodeId(int port) const;
  // The port of the primary serving `slot`, as the first running node sees it.
  absl::StatusOr<int> PrimaryOfSlot(int slot) const;
  // Waits until every running node says cluster_state:ok and sees `primaries`
  // primaries serving all slots, each with its replicas in sync.
  absl::Status WaitUntilHealthy(absl::Duration timeout) const;

 private:
  explicit RedisClusterSet(Options options) : options_(options) {}

  const Options options_;
  std::vector<std::unique_ptr<RedisProcess>> nodes_;
};

// `how_many` patient ids ("<stem>-<n>") whose keys fall in slots [first,
// last]: patients a reshard of those slots moves.
std::vector<std::string> PatientsInSlots(int first, int last, int how_many, absl::string_view stem);

}  // namespace osteoflow::testing

#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_address.h"
#include "common/redis/redis_reply.h"

namespace osteoflow::testing {

// One redis-server process of a test topology (a data node, or a sentinel
// with --sentinel) on a free loopback port, with its own directory; stopped
// and its directory removed on destruction. Unlike RedisServer it takes any
// arguments, and a sentinel's configuration.
class RedisProcess {
 public:
  struct Options {
    // Arguments after the port, bind and directory (--appendonly yes, ...).
    std::vector<std::string> args = {};
    // A cluster node: a second free port for the cluster bus
    // (--cluster-port), since port + 10000 may not be free or valid.
    bool cluster = false;
    // A sentinel: these lines make its configuration file ("sentinel
    // monitor ..."), which it rewrites as it learns.
    bool sentinel = false;
    std::vector<std::string> sentinel_config = {};
  };

  static absl::StatusOr<std::unique_ptr<RedisProcess>> Start(Options options);
  ~RedisProcess();

  int port() const { return port_; }
  RedisEndpoint endpoint() const { return {"127.0.0.1", port_}; }
  std::string address() const { return endpoint().ToString(); }
  bool running() const { return pid_ > 0; }

  // kill -9, as a crash would.
  void Kill();
  // Starts it again on the same ports and directory.
  absl::Status Restart();
  // SIGSTOP and SIGCONT: a node that holds its connections but answers
  // nothing, as a stalled replica would.
  void Pause();
  void Resume();

  // One command on a fresh connection (a 5s reply timeout).
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& command) const;
  // A field of INFO ("role", "master_link_status"...), "" when absent.
  std::string Info(const std::string& field) const;
  std::string Log() const;

 private:
  RedisProcess(Options options, int port, int bus_port, std::string dir)
      : options_(std::move(options)), port_(port), bus_port_(bus_port), dir_(std::move(dir)) {}
  absl::Status Launch();

  const Options options_;
  const int port_;
  const int bus_port_;
  std::string dir_;
  pid_t pid_ = -1;
};

// One command to 127.0.0.1:`port` on a fresh connection.
absl::StatusOr<RedisReply> RedisCommand(int port, const std::vector<std::string>& command);

// Polls `ready` every 20ms until it is OK or `timeout` passes; then the last
// failure, with `what` in front.
absl::Status WaitFor(const std::string& what, absl::Duration timeout, const std::function<absl::Status()>& ready);

}  // namespace osteoflow::testing

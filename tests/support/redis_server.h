#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace osteoflow::testing {

// A real redis-server started for a test on a free loopback port, with its
// own data directory; stopped (and its directory removed) on destruction.
class RedisServer {
 public:
  struct Options {
    // The store role: append-only file, fsync on every write, no eviction.
    bool durable = false;
  };

  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(Options options);
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start() { return Start(Options()); }
  ~RedisServer();

  int port() const { return port_; }

  // kill -9, as a crash would.
  void Kill();
  // Starts it again on the same port and data directory.
  absl::Status Restart();

 private:
  RedisServer(Options options, int port, std::string dir)
      : options_(options), port_(port), dir_(std::move(dir)) {}
  absl::Status Launch();

  Options options_;
  int port_;
  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace osteoflow::testing

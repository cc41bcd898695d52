#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_metrics.h"
#include "common/redis/redis_reply.h"

struct redisContext;

namespace osteoflow {

struct RedisPoolOptions {
  // For messages: which Redis this is ("store", "cache").
  std::string role = "redis";
  std::string host = "127.0.0.1";
  int port = 6379;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  absl::Duration command_timeout = absl::Milliseconds(500);
  int max_connections = 8;
  // How long a caller waits for a free connection when all are busy.
  absl::Duration acquire_timeout = absl::Milliseconds(200);
};

// A small pool of hiredis connections (a context is not thread-safe, so each
// call borrows one). Connections are made on demand, so a pool can be created
// while Redis is down: calls then fail with UNAVAILABLE, and succeed again as
// soon as Redis is back, with no restart. A connection that saw an I/O error
// or timeout is closed, never reused.
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
  struct Connection;
  absl::StatusOr<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> connection, bool healthy);
  absl::Status Unavailable(absl::string_view what) const;
  // Counts an error reply by what it means: Redis cannot serve now, or it
  // refused the command.
  void CountErrorReply(const RedisReply& reply);
  // The pool's gauges, from open_ and idle_.
  void ReportConnections() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RedisPoolOptions options_;
  RedisMetrics metrics_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

// UNAVAILABLE for error replies that mean "cannot serve now", INTERNAL for
// the rest, OK for any other reply.
absl::Status StatusOfReply(const RedisReply& reply, absl::string_view role);

}  // namespace osteoflow

#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_address.h"
#include "common/redis/redis_reply.h"

struct redisContext;

namespace osteoflow {

// One hiredis connection to one Redis process. Not thread-safe: one caller
// at a time (the pool lends it out). After an I/O error or a timeout it is
// broken: what Redis did with the rest is unknown and a late reply may still
// arrive, so it must be closed, never reused.
class RedisConnection {
 public:
  // Connects within `connect_timeout`; each reply may then take up to
  // `command_timeout`. DEADLINE_EXCEEDED when the connect ran out of time,
  // UNAVAILABLE for any other failure; the message is hiredis's.
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Open(const RedisEndpoint& node,
                                                               absl::Duration connect_timeout,
                                                               absl::Duration command_timeout);
  ~RedisConnection();

  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends every command in one write and reads their replies in order.
  // Error replies are replies. DEADLINE_EXCEEDED or UNAVAILABLE (and the
  // connection broken) when the connection fails.
  absl::StatusOr<std::vector<RedisReply>> Run(const std::vector<std::vector<std::string>>& commands);
  // The same, for commands that live elsewhere.
  absl::StatusOr<std::vector<RedisReply>> Run(const std::vector<const std::vector<std::string>*>& commands);

  // On a connection that has subscribed: the next message pushed to it
  // within `wait` (nullopt when none came). A message that has begun to
  // arrive may take the command timeout to finish. UNAVAILABLE (and the
  // connection broken) when the connection fails or the server closes it.
  absl::StatusOr<std::optional<RedisReply>> NextMessage(absl::Duration wait);

  // How long a reply may take from now on.
  void SetCommandTimeout(absl::Duration timeout);

  // Whether the server has closed the connection while it sat idle (after a
  // restart, or an idle timeout): one non-blocking peek.
  bool ClosedByServer() const;

  const RedisEndpoint& node() const { return node_; }

 private:
  RedisConnection(RedisEndpoint node, redisContext* context) : node_(std::move(node)), context_(context) {}
  absl::Status Failure(absl::string_view fallback) const;

  const RedisEndpoint node_;
  redisContext* const context_;
};

}  // namespace osteoflow

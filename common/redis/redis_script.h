#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_reply.h"

namespace osteoflow {

// A Lua script run by its SHA-1 (EVALSHA), so that each call sends the keys
// and arguments only; the text goes once per Redis process, when Redis says
// it does not know the script (after a restart, or on a new server).
//
// A script whose every redis.call names a read-only command (GET, ZCOUNT...)
// runs as EVALSHA_RO: Redis then refuses it any write, the pool does not
// wait for replicas after it, and in a cluster it may be sent again when a
// slot migration stops it midway.
class RedisScript {
 public:
  explicit RedisScript(std::string text);

  // Runs the script with `keys` then `args`; replies and failures as
  // RedisPool::Execute gives them.
  absl::StatusOr<RedisReply> Run(RedisPool& pool, const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args) const;

  const std::string& sha1() const { return sha1_; }
  bool read_only() const { return read_only_; }

 private:
  const std::string text_;
  const std::string sha1_;
  const bool read_only_;
};

// Whether every redis.call and redis.pcall in a Lua text names, as a quoted
// literal, a command that only reads. Anything it cannot tell counts as a
// write.
bool ScriptOnlyReads(absl::string_view text);

}  // namespace osteoflow

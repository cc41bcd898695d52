#include "services/progress/store/redis_sweep_lease.h"

#include <unistd.h>

#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_script.h"

namespace osteoflow::progress {
namespace {

// KEYS[1] the lease, KEYS[2] the fence counter; ARGV[1] the holder, ARGV[2]
// the time to live in ms. Returns the fence while held here, else 0.
const RedisScript& HoldScript() {
  static const RedisScript* const script = new RedisScript(R"lua(
local current = redis.call('GET', KEYS[1])
if current then
  local holder, fence = string.match(current, '^(.*) (%d+)$')
  if holder ~= ARGV[1] then return 0 end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(fence)
end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. fence, 'PX', ARGV[2])
return fence
)lua");
  return *script;
}

}  // namespace

RedisSweepLease::RedisSweepLease(std::shared_ptr<RedisPool> pool, std::string name, absl::Duration ttl)
    : pool_(std::move(pool)),
      lease_key_(absl::StrCat("osteoflow:v1:{sweep-", name, "}:lease")),
      fence_key_(absl::StrCat("osteoflow:v1:{sweep-", name, "}:fence")),
      ttl_(ttl),
      holder_(absl::StrCat(::getpid(), "-", absl::Hex(absl::Uniform<uint64_t>(absl::BitGen())))) {}

absl::StatusOr<int64_t> RedisSweepLease::Hold() {
  absl::StatusOr<RedisReply> reply =
      HoldScript().Run(*pool_, {lease_key_, fence_key_}, {holder_, absl::StrCat(absl::ToInt64Milliseconds(ttl_))});
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kInteger) return absl::InternalError("sweep lease: unexpected reply");
  return static_cast<int64_t>(reply->integer);
}

}  // namespace osteoflow::progress

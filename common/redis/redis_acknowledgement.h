#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/redis/redis_address.h"
#include "common/redis/redis_reply.h"

namespace osteoflow {

// The store's acknowledgement policy: a call that may write is answered
// only once `replicas` replicas have everything the primary had applied
// when it ran, or fails UNAVAILABLE after `timeout` (the write stays applied
// on the primary; the caller retries with the same request, which is
// idempotent). Off when replicas is 0.
struct RedisAcknowledgement {
  int replicas = 0;
  absl::Duration timeout = absl::Milliseconds(100);
};

// The commands sent after a call's own: a small write (the fence) then
// WAIT replicas timeout. From Redis 7.2 WAIT waits for the connection's last
// write, which need not be this call's (7.0 takes the offset after any
// command): a retry that finds its record already stored writes nothing,
// and without the fence it would be acknowledged on the strength of some
// older write while the record it found may still be on the primary alone. The fence key is in `slot` (so a cluster node can take
// it with the call) or, outside a cluster (nullopt), one key for all.
std::vector<std::vector<std::string>> AcknowledgementCommands(const RedisAcknowledgement& policy,
                                                              std::optional<int> slot);

// OK when the fence was written and WAIT counted enough replicas;
// UNAVAILABLE saying that the write is applied on `node` but not yet
// acknowledged otherwise.
absl::Status CheckAcknowledgement(const RedisAcknowledgement& policy, const RedisReply& fence,
                                  const RedisReply& wait, absl::string_view role, const RedisEndpoint& node);

// The fence key of a slot (in that slot, whatever it is).
const std::string& AcknowledgementFenceKey(int slot);

}  // namespace osteoflow

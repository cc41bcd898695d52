#pragma once

#include <string>

#include "absl/time/time.h"
#include "bench/load/closed_loop.h"

namespace osteoflow::bench {

// The bare Redis write baseline: `concurrency` connections, each doing SET of
// a fresh key with a `value_bytes` value, one after another, for `duration`.
// Whatever durability the server is configured with (appendfsync always for
// the store) applies to these writes as it does to the service's.
RoundSample RunRedisWriteLoop(const std::string& address, int concurrency, absl::Duration duration,
                              size_t value_bytes, absl::Duration command_timeout);

}  // namespace osteoflow::bench

#pragma once

#include <string>

#include "absl/time/time.h"
#include "bench/load/closed_loop.h"

namespace osteoflow::bench {

// The bare Redis baselines: `concurrency` connections, each doing one command
// after another for `duration`. kSet writes a fresh key with a `value_bytes`
// value (whatever durability the server is configured with, appendfsync
// always for the store, applies as it does to the service's writes); kGet
// reads one key holding such a value (a cache hit's Redis part).
enum class RedisBaseline { kSet, kGet };
RoundSample RunRedisLoop(const std::string& address, RedisBaseline command, int concurrency,
                         absl::Duration duration, size_t value_bytes, absl::Duration command_timeout);

}  // namespace osteoflow::bench

#pragma once

#include "absl/time/time.h"
#include "common/redis/redis_pool.h"

namespace osteoflow {

// The settings of the durable store role, shared by every service that keeps
// records there (screening, progress): store_address, store_connect_timeout,
// store_command_timeout, store_pool_size, store_check_interval, and the
// acknowledgement policy store_wait_replicas and store_wait_timeout. Invalid
// values exit 2 naming the setting, as ValueOrExit does.
RedisPoolOptions StoreOptionsFromFlags();
absl::Duration StoreCheckIntervalFromFlags();

}  // namespace osteoflow

#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"

namespace osteoflow {

// The settings of one Redis role, as its service's flags give them. Flags are
// named after the role: store_address, store_command_timeout, ...
struct RedisRoleSettings {
  // "host:port", "redis-sentinel://host:port[,host:port...]/PRIMARY_NAME" or
  // "redis-cluster://host:port[,host:port...]" (see RedisAddress).
  std::string address;
  absl::Duration connect_timeout;
  absl::Duration command_timeout;
  int pool_size = 0;
};

// Checks the settings and builds pool options. Errors start with the flag
// name ("store_address: want host:port, ..."), as ValueOrExit expects.
absl::StatusOr<RedisPoolOptions> RedisPoolOptionsFor(absl::string_view role,
                                                     const RedisRoleSettings& settings);

// Adds the acknowledgement policy (role_wait_replicas, role_wait_timeout) to
// checked options: replicas from 0 (off) to 16; a timeout from 1ms to less
// than the command timeout, since WAIT runs inside the call. Errors start
// with the flag name.
absl::StatusOr<RedisPoolOptions> WithAcknowledgement(absl::string_view role, RedisPoolOptions options,
                                                     int replicas, absl::Duration timeout);

}  // namespace osteoflow

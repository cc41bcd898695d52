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
  std::string address;  // "host:port"
  absl::Duration connect_timeout;
  absl::Duration command_timeout;
  int pool_size = 0;
};

// Checks the settings and builds pool options. Errors start with the flag
// name ("store_address: want host:port"), as ValueOrExit expects.
absl::StatusOr<RedisPoolOptions> RedisPoolOptionsFor(absl::string_view role,
                                                     const RedisRoleSettings& settings);

}  // namespace osteoflow

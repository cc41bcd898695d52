#include "common/redis/store_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "common/config/settings.h"
#include "common/redis/redis_settings.h"

ABSL_FLAG(std::string, store_address, "127.0.0.1:6379",
          "where the durable Redis is (append-only, fsync on every write): host:port, "
          "redis-sentinel://host:port[,host:port...]/PRIMARY_NAME or redis-cluster://host:port[,host:port...]");
ABSL_FLAG(absl::Duration, store_connect_timeout, absl::Milliseconds(200),
          "how long to wait for a connection to the store");
ABSL_FLAG(absl::Duration, store_command_timeout, absl::Milliseconds(500),
          "how long one store command may take before the call fails UNAVAILABLE");
ABSL_FLAG(int, store_pool_size, 16, "most connections to the store at once");
ABSL_FLAG(absl::Duration, store_check_interval, absl::Seconds(1), "how often readiness checks the store");
ABSL_FLAG(int, store_wait_replicas, 0,
          "replicas that must have each write before it is acknowledged (WAIT); 0 acknowledges once the primary "
          "has it");
ABSL_FLAG(absl::Duration, store_wait_timeout, absl::Milliseconds(100),
          "how long a write waits for store_wait_replicas before the call fails UNAVAILABLE (the write stays "
          "applied; a retry of the same request is safe)");

namespace osteoflow {

RedisPoolOptions StoreOptionsFromFlags() {
  RedisPoolOptions options = ValueOrExit(RedisPoolOptionsFor(
      "store", {absl::GetFlag(FLAGS_store_address), absl::GetFlag(FLAGS_store_connect_timeout),
                absl::GetFlag(FLAGS_store_command_timeout), absl::GetFlag(FLAGS_store_pool_size)}));
  return ValueOrExit(WithAcknowledgement("store", std::move(options), absl::GetFlag(FLAGS_store_wait_replicas),
                                         absl::GetFlag(FLAGS_store_wait_timeout)));
}

absl::Duration StoreCheckIntervalFromFlags() {
  const absl::Duration interval = absl::GetFlag(FLAGS_store_check_interval);
  if (interval < absl::Milliseconds(10) || interval > absl::Minutes(1)) {
    ExitInvalidSetting("store_check_interval", "must be between 10ms and 1m");
  }
  return interval;
}

}  // namespace osteoflow

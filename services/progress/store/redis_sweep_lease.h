#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "services/progress/domain/sweep_lease.h"

namespace osteoflow::progress {

// A SweepLease in the store role: one key holding "<holder> <fence>" with a
// time to live, and a counter that gives each new holder a greater fence.
// A holder that dies stops renewing; after `ttl` the next replica to ask
// takes the lease with the next fence, and writes carrying the old fence are
// refused where they land (ProgramStore::RaiseOnce).
//   osteoflow:v1:{sweep-<name>}:lease   "<holder> <fence>", expires after ttl
//   osteoflow:v1:{sweep-<name>}:fence   the last fence given
class RedisSweepLease final : public SweepLease {
 public:
  RedisSweepLease(std::shared_ptr<RedisPool> pool, std::string name, absl::Duration ttl);

  absl::StatusOr<int64_t> Hold() override;

 private:
  const std::shared_ptr<RedisPool> pool_;
  const std::string lease_key_;
  const std::string fence_key_;
  const absl::Duration ttl_;
  // This process among the replicas.
  const std::string holder_;
};

}  // namespace osteoflow::progress

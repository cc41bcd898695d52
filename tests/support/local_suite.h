#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {

// The whole suite on loopback for one test: a durable store (of screening
// and progress), a plan cache, and the four real binaries on top of them.
// Stopped in the right order on destruction (services before their Redis).
struct LocalSuite {
  static absl::StatusOr<std::unique_ptr<LocalSuite>> Start();
  ~LocalSuite();

  std::unique_ptr<RedisServer> store;
  std::unique_ptr<RedisServer> cache;
  std::unique_ptr<ServiceProcess> catalog;
  std::unique_ptr<ServiceProcess> screening;
  std::unique_ptr<ServiceProcess> scheduling;
  std::unique_ptr<ServiceProcess> progress;
};

}  // namespace osteoflow::testing

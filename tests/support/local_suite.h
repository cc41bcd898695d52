#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {

// The whole suite on loopback for one test: a durable store (of screening
// and progress), a plan cache, and the four real binaries on top of them.
// Stopped in the right order on destruction (services before their Redis).
struct LocalSuite {
  struct Options {
    // Every service serves /metrics on a loopback port of its own
    // (ServiceProcess::metrics_port()).
    bool metrics = false;
    // The store with the durable settings of production (fsync on every
    // write); false for a test whose subject is not durability.
    bool durable_store = true;
    // Extra arguments of each service, after the defaults its Start*Server
    // function gives (so they override them).
    std::vector<std::string> catalog_args;
    std::vector<std::string> screening_args;
    std::vector<std::string> scheduling_args;
    std::vector<std::string> progress_args;
  };

  static absl::StatusOr<std::unique_ptr<LocalSuite>> Start();
  static absl::StatusOr<std::unique_ptr<LocalSuite>> Start(Options options);
  ~LocalSuite();

  // The four services, catalog, screening, scheduling and progress.
  std::vector<ServiceProcess*> services() const {
    return {catalog.get(), screening.get(), scheduling.get(), progress.get()};
  }

  std::unique_ptr<RedisServer> store;
  std::unique_ptr<RedisServer> cache;
  std::unique_ptr<ServiceProcess> catalog;
  std::unique_ptr<ServiceProcess> screening;
  std::unique_ptr<ServiceProcess> scheduling;
  std::unique_ptr<ServiceProcess> progress;
};

}  // namespace osteoflow::testing

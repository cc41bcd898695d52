#include "tests/support/local_suite.h"

#include <utility>

#include "tests/support/catalog_server.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/progress_server.h"
#include "tests/support/scheduling_server.h"
#include "tests/support/screening_server.h"

namespace osteoflow::testing {

absl::StatusOr<std::unique_ptr<LocalSuite>> LocalSuite::Start() { return Start(Options()); }

absl::StatusOr<std::unique_ptr<LocalSuite>> LocalSuite::Start(Options options) {
  if (options.metrics) {
    for (std::vector<std::string>* args :
         {&options.catalog_args, &options.screening_args, &options.scheduling_args, &options.progress_args}) {
      args->insert(args->begin(), kMetricsOnAnyLoopbackPort);
    }
  }
  auto suite = std::make_unique<LocalSuite>();
  absl::StatusOr<std::unique_ptr<RedisServer>> store = RedisServer::Start({.durable = options.durable_store});
  if (!store.ok()) return store.status();
  suite->store = *std::move(store);
  absl::StatusOr<std::unique_ptr<RedisServer>> cache = RedisServer::Start();
  if (!cache.ok()) return cache.status();
  suite->cache = *std::move(cache);
  absl::StatusOr<std::unique_ptr<ServiceProcess>> catalog = StartCatalogServer(std::move(options.catalog_args));
  if (!catalog.ok()) return catalog.status();
  suite->catalog = *std::move(catalog);
  absl::StatusOr<std::unique_ptr<ServiceProcess>> screening =
      StartScreeningServer(suite->store->port(), std::move(options.screening_args));
  if (!screening.ok()) return screening.status();
  suite->screening = *std::move(screening);
  absl::StatusOr<std::unique_ptr<ServiceProcess>> scheduling =
      StartSchedulingServer(suite->catalog->address(), suite->screening->address(),
                            suite->cache->port(), std::move(options.scheduling_args));
  if (!scheduling.ok()) return scheduling.status();
  suite->scheduling = *std::move(scheduling);
  absl::StatusOr<std::unique_ptr<ServiceProcess>> progress = StartProgressServer(
      suite->store->port(), suite->screening->address(), suite->scheduling->address(),
      std::move(options.progress_args));
  if (!progress.ok()) return progress.status();
  suite->progress = *std::move(progress);
  return suite;
}

LocalSuite::~LocalSuite() {
  progress.reset();
  scheduling.reset();
  screening.reset();
  catalog.reset();
  cache.reset();
  store.reset();
}

}  // namespace osteoflow::testing

// osteoflow-scheduling: safe, complete weekly plans from a screening, the
// catalog and the person's week, cached in Redis.
#include <cstdio>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "common/clock/test_clock_service.h"
#include "common/config/settings.h"
#include "common/metrics/info_metrics.h"
#include "common/log/json_log.h"
#include "common/redis/redis_settings.h"
#include "common/server/blocking_work.h"
#include "common/server/dependency_watch.h"
#include "common/server/server_process.h"
#include "common/server/peer_channel.h"
#include "common/server/service_host.h"
#include "services/scheduling/cache/cache_report.h"
#include "services/scheduling/cache/plan_cache.h"
#include "services/scheduling/peers/catalog_client.h"
#include "services/scheduling/domain/plan_rules.h"
#include "services/scheduling/domain/weekly_plans.h"
#include "services/scheduling/grpc/scheduling_service.h"
#include "services/scheduling/peers/screening_client.h"

ABSL_FLAG(std::string, plan_rules_file, OSTEOFLOW_PLAN_RULES_FILE_DEFAULT,
          "the weekly dose targets (JSON form of osteoflow.scheduling.v1.PlanRulesDocument)");
ABSL_FLAG(std::string, catalog_address, "127.0.0.1:50051", "host:port of the catalog service");
ABSL_FLAG(absl::Duration, catalog_deadline, absl::Seconds(2), "deadline of each catalog call");
ABSL_FLAG(absl::Duration, catalog_refresh_interval, absl::Seconds(10),
          "how long the catalog held is used before its digest is checked again");
ABSL_FLAG(std::string, screening_address, "127.0.0.1:50052",
          "host:port of the screening service (for plans asked for by screening name)");
ABSL_FLAG(absl::Duration, screening_deadline, absl::Seconds(2), "deadline of each screening call");
ABSL_FLAG(std::string, cache_address, "127.0.0.1:6379",
          "host:port of the cache Redis (no persistence needed; an LRU memory cap is right)");
ABSL_FLAG(absl::Duration, cache_connect_timeout, absl::Milliseconds(100),
          "how long to wait for a connection to the cache");
ABSL_FLAG(absl::Duration, cache_command_timeout, absl::Milliseconds(200),
          "how long one cache command may take before the plan is computed without it");
ABSL_FLAG(int, cache_pool_size, 16, "most connections to the cache at once");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Hours(24), "how long a computed plan stays cached");
ABSL_FLAG(double, cache_ttl_jitter, 0.1,
          "each plan's TTL is spread by up to this fraction either way (0..0.5)");
ABSL_FLAG(int64_t, cache_memory_bytes, 64 << 20,
          "recently used plans also kept in this process's memory, up to this many bytes; "
          "0 keeps none (every hit is then a Redis GET)");
ABSL_FLAG(absl::Duration, cache_report_interval, absl::Seconds(60),
          "how often the cache's hit and miss counts are logged (when they changed)");
ABSL_FLAG(absl::Duration, catalog_check_interval, absl::Seconds(1),
          "how often readiness checks that a catalog is held");

namespace {

void CheckDuration(const char* name, absl::Duration value, absl::Duration low, absl::Duration high) {
  if (value < low || value > high) {
    osteoflow::ExitInvalidSetting(name, absl::StrCat("must be between ", absl::FormatDuration(low),
                                                     " and ", absl::FormatDuration(high)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  osteoflow::PrepareServerProcess();
  osteoflow::LoadSettings(argc, argv, "osteoflow-scheduling: the scheduling service");
  osteoflow::ServerSettings settings =
      osteoflow::ValueOrExit(osteoflow::ServerSettingsFromFlags("127.0.0.1:50053"));
  const osteoflow::RedisPoolOptions cache_options =
      osteoflow::ValueOrExit(osteoflow::RedisPoolOptionsFor(
          "cache", {absl::GetFlag(FLAGS_cache_address), absl::GetFlag(FLAGS_cache_connect_timeout),
                    absl::GetFlag(FLAGS_cache_command_timeout), absl::GetFlag(FLAGS_cache_pool_size)}));
  CheckDuration("catalog_deadline", absl::GetFlag(FLAGS_catalog_deadline), absl::Milliseconds(10),
                absl::Minutes(1));
  CheckDuration("catalog_refresh_interval", absl::GetFlag(FLAGS_catalog_refresh_interval),
                absl::Milliseconds(10), absl::Hours(24));
  CheckDuration("screening_deadline", absl::GetFlag(FLAGS_screening_deadline), absl::Milliseconds(10),
                absl::Minutes(1));
  CheckDuration("cache_ttl", absl::GetFlag(FLAGS_cache_ttl), absl::Seconds(1), absl::Hours(24 * 30));
  CheckDuration("cache_report_interval", absl::GetFlag(FLAGS_cache_report_interval),
                absl::Milliseconds(10), absl::Hours(24));
  CheckDuration("catalog_check_interval", absl::GetFlag(FLAGS_catalog_check_interval),
                absl::Milliseconds(10), absl::Minutes(1));
  const int64_t memory_bytes = absl::GetFlag(FLAGS_cache_memory_bytes);
  if (memory_bytes < 0 || memory_bytes > (int64_t{16} << 30)) {
    osteoflow::ExitInvalidSetting("cache_memory_bytes", "must be 0..17179869184");
  }
  const double jitter = absl::GetFlag(FLAGS_cache_ttl_jitter);
  if (!(jitter >= 0 && jitter <= 0.5)) osteoflow::ExitInvalidSetting("cache_ttl_jitter", "must be 0..0.5");
  for (const char* name : {"catalog_address", "screening_address"}) {
    const std::string address =
        name[0] == 'c' ? absl::GetFlag(FLAGS_catalog_address) : absl::GetFlag(FLAGS_screening_address);
    if (address.empty()) osteoflow::ExitInvalidSetting(name, "required, host:port");
  }

  const auto rules =
      osteoflow::DataOrExit(osteoflow::scheduling::LoadPlanRulesFile(absl::GetFlag(FLAGS_plan_rules_file)));
  osteoflow::LogLine("plan_rules_loaded")
      .Add("version", rules->version())
      .Add("content_digest", rules->content_digest())
      .Add("planner_digest", osteoflow::scheduling::WeeklyPlans::PlannerDigest())
      .Write();
  osteoflow::PublishDataVersion("plan_rules", rules->version(), rules->content_digest());

  // Channels connect lazily and reconnect by themselves: a peer that is down
  // at start is an outage to report, not a reason to crash.
  const bool count_calls = !settings.metrics_address.empty();
  auto catalog = std::make_shared<osteoflow::scheduling::CatalogClient>(
      osteoflow::PeerChannel(absl::GetFlag(FLAGS_catalog_address), settings.security,
                             osteoflow::catalog::v1::CatalogService::service_full_name(), count_calls),
      osteoflow::scheduling::CatalogClientOptions{absl::GetFlag(FLAGS_catalog_deadline),
                                                  absl::GetFlag(FLAGS_catalog_refresh_interval)});
  auto screenings = std::make_shared<osteoflow::scheduling::ScreeningClient>(
      osteoflow::PeerChannel(absl::GetFlag(FLAGS_screening_address), settings.security,
                             osteoflow::screening::v1::ScreeningService::service_full_name(), count_calls),
      absl::GetFlag(FLAGS_screening_deadline));
  auto cache = std::make_shared<osteoflow::scheduling::PlanCache>(
      std::make_shared<osteoflow::RedisPool>(cache_options),
      osteoflow::scheduling::PlanCacheOptions{absl::GetFlag(FLAGS_cache_ttl), jitter,
                                              static_cast<size_t>(memory_bytes)});
  auto plans = std::make_shared<osteoflow::scheduling::WeeklyPlans>(rules, catalog, screenings, cache);
  osteoflow::scheduling::PlanCacheReport report(*cache, absl::GetFlag(FLAGS_cache_report_interval));

  const auto test_clock = osteoflow::TestClockServing::FromFlags(
      "scheduling", settings,
      {{"catalog", absl::GetFlag(FLAGS_catalog_address)}, {"screening", absl::GetFlag(FLAGS_screening_address)}},
      nullptr);
  // Declared before the host so that it outlives the server's last call.
  osteoflow::BlockingWork work("plans", cache_options.max_connections);
  const std::unique_ptr<osteoflow::UnaryService> service = osteoflow::scheduling::SchedulingService(plans, work);

  osteoflow::ServiceHost host("scheduling", settings);
  host.AddService(service.get());
  if (test_clock != nullptr) host.AddService(test_clock->service());
  // Ready while a catalog is held: plans cannot be made without one. The
  // cache is not watched: without it plans are computed (fail-open).
  osteoflow::DependencyWatch catalog_watch(
      "catalog", absl::GetFlag(FLAGS_catalog_check_interval),
      [catalog] { return catalog->Current().status(); }, [&host](bool up) { host.SetReady(up); });
  return host.Run();
}

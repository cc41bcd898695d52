// osteoflow-screening: intake validation and the clinical screening rules,
// with screenings stored durably in Redis.
#include <cstdio>

#include "absl/flags/flag.h"
#include "common/clock/test_clock_service.h"
#include "common/config/settings.h"
#include "common/metrics/info_metrics.h"
#include "common/log/json_log.h"
#include "common/redis/store_flags.h"
#include "common/server/blocking_work.h"
#include "common/server/dependency_watch.h"
#include "common/server/server_process.h"
#include "common/server/service_host.h"
#include "services/screening/domain/rule_set.h"
#include "services/screening/domain/screenings.h"
#include "services/screening/grpc/screening_service.h"
#include "services/screening/store/redis_screening_store.h"

ABSL_FLAG(std::string, rule_set_file, OSTEOFLOW_RULE_SET_FILE_DEFAULT,
          "the screening rule-set file (JSON form of osteoflow.screening.v1.RuleSetDocument)");

int main(int argc, char** argv) {
  osteoflow::PrepareServerProcess();
  osteoflow::LoadSettings(argc, argv, "osteoflow-screening: the screening service");
  osteoflow::ServerSettings settings =
      osteoflow::ValueOrExit(osteoflow::ServerSettingsFromFlags("127.0.0.1:50052"));
  const osteoflow::RedisPoolOptions store_options = osteoflow::StoreOptionsFromFlags();
  const absl::Duration check_interval = osteoflow::StoreCheckIntervalFromFlags();

  const auto rules =
      osteoflow::DataOrExit(osteoflow::screening::LoadRuleSetFile(absl::GetFlag(FLAGS_rule_set_file)));
  osteoflow::LogLine("rule_set_loaded")
      .Add("version", rules->version())
      .Add("rules", static_cast<int64_t>(rules->rules().size()))
      .Add("content_digest", rules->content_digest())
      .Write();
  osteoflow::PublishDataVersion("screening_rules", rules->version(), rules->content_digest());

  // The pool connects on demand: a store that is down at start is an outage
  // to report (readiness, UNAVAILABLE), not a reason to crash.
  auto pool = std::make_shared<osteoflow::RedisPool>(store_options);
  auto store = std::make_shared<osteoflow::screening::RedisScreeningStore>(pool);
  auto screenings = std::make_shared<osteoflow::screening::Screenings>(
      rules, store, [] { return osteoflow::ProcessClock().Now(); });
  const auto test_clock = osteoflow::TestClockServing::FromFlags("screening", settings, {}, &store_options);
  // Declared before the host so that it outlives the server's last call.
  osteoflow::BlockingWork store_work("store", store_options.max_connections);
  const std::unique_ptr<osteoflow::UnaryService> service =
      osteoflow::screening::ScreeningService(screenings, store_work);

  osteoflow::ServiceHost host("screening", settings);
  host.AddService(service.get());
  if (test_clock != nullptr) host.AddService(test_clock->service());
  osteoflow::DependencyWatch store_watch("store", check_interval, [store] { return store->CheckWritable(); },
                                         [&host](bool up) { host.SetReady(up); });
  return host.Run();
}

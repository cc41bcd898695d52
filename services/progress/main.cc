// osteoflow-progress: tracked programmes from enrolment to next week, with
// programmes and session logs stored durably in Redis.
#include <cstdio>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "common/clock/test_clock_service.h"
#include "common/config/settings.h"
#include "common/metrics/info_metrics.h"
#include "common/log/json_log.h"
#include "common/redis/store_flags.h"
#include "common/server/blocking_work.h"
#include "common/server/dependency_watch.h"
#include "common/server/server_process.h"
#include "common/server/peer_channel.h"
#include "common/server/service_host.h"
#include "services/progress/domain/programs.h"
#include "services/progress/domain/progression_rules.h"
#include "services/progress/grpc/progress_service.h"
#include "services/progress/metrics/clinical_flow_metrics.h"
#include "services/progress/peers/scheduling_client.h"
#include "services/progress/peers/screening_client.h"
#include "services/progress/store/redis_program_store.h"

ABSL_FLAG(std::string, progression_rules_file, OSTEOFLOW_PROGRESSION_RULES_FILE_DEFAULT,
          "the progression rules (JSON form of osteoflow.progress.v1.ProgressionRulesDocument)");
ABSL_FLAG(std::string, screening_address, "127.0.0.1:50052", "host:port of the screening service");
ABSL_FLAG(std::string, scheduling_address, "127.0.0.1:50053", "host:port of the scheduling service");
ABSL_FLAG(std::string, store_packing, "zstd-dictionary",
          "how stored records are compressed: zstd-dictionary (zstd with the dictionary built in); zstd or "
          "zlib only while a rolling upgrade still runs replicas of a version that reads no more than that");
ABSL_FLAG(absl::Duration, peer_deadline, absl::Seconds(5), "deadline of each call to screening or scheduling");

int main(int argc, char** argv) {
  osteoflow::PrepareServerProcess();
  osteoflow::LoadSettings(argc, argv, "osteoflow-progress: the progress service");
  osteoflow::ServerSettings settings =
      osteoflow::ValueOrExit(osteoflow::ServerSettingsFromFlags("127.0.0.1:50054"));
  const osteoflow::RedisPoolOptions store_options = osteoflow::StoreOptionsFromFlags();
  const absl::Duration check_interval = osteoflow::StoreCheckIntervalFromFlags();
  const absl::Duration peer_deadline = absl::GetFlag(FLAGS_peer_deadline);
  if (peer_deadline < absl::Milliseconds(10) || peer_deadline > absl::Minutes(1)) {
    osteoflow::ExitInvalidSetting("peer_deadline", "must be between 10ms and 1m");
  }
  for (const auto& [name, address] :
       {std::pair{"screening_address", absl::GetFlag(FLAGS_screening_address)},
        std::pair{"scheduling_address", absl::GetFlag(FLAGS_scheduling_address)}}) {
    if (address.empty()) osteoflow::ExitInvalidSetting(name, "required, host:port");
  }

  const auto rules =
      osteoflow::DataOrExit(osteoflow::progress::LoadProgressionRulesFile(absl::GetFlag(FLAGS_progression_rules_file)));
  osteoflow::LogLine("progression_rules_loaded")
      .Add("version", rules->version())
      .Add("content_digest", rules->content_digest())
      .Write();
  osteoflow::PublishDataVersion("progression_rules", rules->version(), rules->content_digest());

  const absl::StatusOr<osteoflow::progress::PackFormat> packing =
      osteoflow::progress::ParsePackFormat(absl::GetFlag(FLAGS_store_packing));
  if (!packing.ok()) osteoflow::ExitInvalidSetting("store_packing", packing.status().message());
  auto store = std::make_shared<osteoflow::progress::RedisProgramStore>(
      std::make_shared<osteoflow::RedisPool>(store_options), *packing);
  const bool count_calls = !settings.metrics_address.empty();
  auto programs = std::make_shared<osteoflow::progress::Programs>(
      store,
      std::make_shared<osteoflow::progress::ScreeningClient>(
          osteoflow::PeerChannel(absl::GetFlag(FLAGS_screening_address), settings.security,
                                 osteoflow::screening::v1::ScreeningService::service_full_name(), count_calls),
          peer_deadline),
      std::make_shared<osteoflow::progress::SchedulingClient>(
          osteoflow::PeerChannel(absl::GetFlag(FLAGS_scheduling_address), settings.security,
                                 osteoflow::scheduling::v1::SchedulingService::service_full_name(), count_calls),
          peer_deadline),
      rules, [] { return osteoflow::ProcessClock().Now(); }, osteoflow::progress::Programs::kCurrentWeeksKept,
      std::make_shared<osteoflow::progress::ClinicalFlowMetrics>());
  const auto test_clock = osteoflow::TestClockServing::FromFlags(
      "progress", settings,
      {{"screening", absl::GetFlag(FLAGS_screening_address)}, {"scheduling", absl::GetFlag(FLAGS_scheduling_address)}},
      &store_options);
  // Declared before the host so that it outlives the server's last call.
  osteoflow::BlockingWork work("progress", store_options.max_connections);
  const std::unique_ptr<osteoflow::UnaryService> service = osteoflow::progress::ProgressService(programs, work);

  osteoflow::ServiceHost host("progress", settings);
  host.AddService(service.get());
  if (test_clock != nullptr) host.AddService(test_clock->service());
  osteoflow::DependencyWatch store_watch("store", check_interval, [store] { return store->CheckWritable(); },
                                         [&host](bool up) { host.SetReady(up); });
  return host.Run();
}

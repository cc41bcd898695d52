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
#include "common/server/periodic_task.h"
#include "common/server/stream_answer.h"
#include "common/server/service_host.h"
#include "services/progress/domain/missed_sessions.h"
#include "services/progress/domain/programs.h"
#include "services/progress/domain/progression_rules.h"
#include "services/progress/grpc/progress_service.h"
#include "services/progress/metrics/clinical_flow_metrics.h"
#include "services/progress/peers/scheduling_client.h"
#include "services/progress/peers/screening_client.h"
#include "services/progress/store/redis_event_feed.h"
#include "services/progress/store/redis_program_store.h"
#include "services/progress/store/redis_sweep_lease.h"

ABSL_FLAG(std::string, progression_rules_file, OSTEOFLOW_PROGRESSION_RULES_FILE_DEFAULT,
          "the progression rules (JSON form of osteoflow.progress.v1.ProgressionRulesDocument)");
ABSL_FLAG(std::string, screening_address, "127.0.0.1:50052", "host:port of the screening service");
ABSL_FLAG(std::string, scheduling_address, "127.0.0.1:50053", "host:port of the scheduling service");
ABSL_FLAG(std::string, store_packing, "zstd-dictionary",
          "how stored records are compressed: zstd-dictionary (zstd with the dictionary built in); zstd or "
          "zlib only while a rolling upgrade still runs replicas of a version that reads no more than that");
ABSL_FLAG(absl::Duration, peer_deadline, absl::Seconds(5), "deadline of each call to screening or scheduling");
ABSL_FLAG(absl::Duration, event_retention, absl::Hours(24 * 30), "how long the event feed keeps an event");
ABSL_FLAG(absl::Duration, event_relay_after, absl::Seconds(15),
          "a writer's pending event mark older than this is relayed for it (its writer is taken to have died)");
ABSL_FLAG(absl::Duration, event_poll_interval, absl::Milliseconds(250),
          "how often a watcher of the event feed looks for events other replicas relayed");
ABSL_FLAG(absl::Duration, event_heartbeat, absl::Seconds(15), "a watcher's heartbeat after this long without events");
ABSL_FLAG(int32_t, adherence_alert_percent, osteoflow::progress::Programs::kAdherenceAlertPercent,
          "a finished week done below this percent of its planned items raises adherence.low");
ABSL_FLAG(int32_t, max_event_watchers, 64, "how many WatchEvents streams this process serves at once");
ABSL_FLAG(int32_t, missed_sessions_days, 3,
          "planned days passed in a row with no session logged before a sessions.missed event");
ABSL_FLAG(absl::Duration, missed_sessions_sweep_interval, absl::Seconds(10),
          "how often the replica holding the sweep lease looks for missed sessions");
ABSL_FLAG(absl::Duration, missed_sessions_recheck, absl::Hours(6), "how soon a checked programme is checked again");
ABSL_FLAG(absl::Duration, sweep_lease, absl::Seconds(30),
          "how long the sweep lease lasts unrenewed: a dead holder's sweep moves to another replica after it");

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

  osteoflow::progress::EventFeedSettings feed_settings;
  feed_settings.retention = absl::GetFlag(FLAGS_event_retention);
  feed_settings.relay_after = absl::GetFlag(FLAGS_event_relay_after);
  if (feed_settings.retention < absl::Seconds(1)) osteoflow::ExitInvalidSetting("event_retention", "at least 1s");
  if (feed_settings.relay_after < 2 * store_options.command_timeout) {
    osteoflow::ExitInvalidSetting("event_relay_after", "at least twice store_command_timeout");
  }
  osteoflow::progress::Programs::EventWatchSettings watch_settings;
  watch_settings.poll_interval = absl::GetFlag(FLAGS_event_poll_interval);
  watch_settings.heartbeat = absl::GetFlag(FLAGS_event_heartbeat);
  if (watch_settings.poll_interval < absl::Milliseconds(10) || watch_settings.poll_interval > absl::Minutes(1)) {
    osteoflow::ExitInvalidSetting("event_poll_interval", "must be between 10ms and 1m");
  }
  if (watch_settings.heartbeat < absl::Milliseconds(100) || watch_settings.heartbeat > absl::Hours(1)) {
    osteoflow::ExitInvalidSetting("event_heartbeat", "must be between 100ms and 1h");
  }
  const int adherence_alert_percent = absl::GetFlag(FLAGS_adherence_alert_percent);
  if (adherence_alert_percent < 0 || adherence_alert_percent > 100) {
    osteoflow::ExitInvalidSetting("adherence_alert_percent", "must be 0..100");
  }
  const int max_event_watchers = absl::GetFlag(FLAGS_max_event_watchers);
  if (max_event_watchers < 1 || max_event_watchers > 10000) {
    osteoflow::ExitInvalidSetting("max_event_watchers", "must be 1..10000");
  }
  osteoflow::SetMaxServerStreams(max_event_watchers);
  osteoflow::progress::MissedSessionsSettings missed_settings;
  missed_settings.days = absl::GetFlag(FLAGS_missed_sessions_days);
  missed_settings.recheck = absl::GetFlag(FLAGS_missed_sessions_recheck);
  const absl::Duration sweep_interval = absl::GetFlag(FLAGS_missed_sessions_sweep_interval);
  const absl::Duration sweep_lease = absl::GetFlag(FLAGS_sweep_lease);
  if (missed_settings.days < 1 || missed_settings.days > 7) {
    osteoflow::ExitInvalidSetting("missed_sessions_days", "must be 1..7 (a plan is a week)");
  }
  if (sweep_interval < absl::Milliseconds(100) || sweep_interval > absl::Hours(24)) {
    osteoflow::ExitInvalidSetting("missed_sessions_sweep_interval", "must be between 100ms and 24h");
  }
  if (sweep_lease < 2 * sweep_interval + store_options.command_timeout) {
    // The holder renews at every sweep: two may be missed before it is lost.
    osteoflow::ExitInvalidSetting("sweep_lease",
                                  "at least twice missed_sessions_sweep_interval plus store_command_timeout");
  }
  if (missed_settings.recheck < sweep_interval) {
    osteoflow::ExitInvalidSetting("missed_sessions_recheck", "at least missed_sessions_sweep_interval");
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
  const auto store_pool = std::make_shared<osteoflow::RedisPool>(store_options);
  const auto feed = std::make_shared<osteoflow::progress::RedisEventFeed>(store_pool, feed_settings);
  auto store = std::make_shared<osteoflow::progress::RedisProgramStore>(store_pool, *packing, feed);
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
      std::make_shared<osteoflow::progress::ClinicalFlowMetrics>(), adherence_alert_percent);
  programs->UseEventFeed(feed, watch_settings);
  const auto missed_sessions = std::make_shared<osteoflow::progress::MissedSessions>(
      store, std::make_shared<osteoflow::progress::RedisSweepLease>(store_pool, "missed-sessions", sweep_lease),
      [] { return osteoflow::ProcessClock().Now(); }, missed_settings);
  osteoflow::PeriodicTask missed_sweep("missed_sessions_sweep", sweep_interval, [missed_sessions] {
    const absl::StatusOr<int> raised = missed_sessions->Sweep();
    return raised.ok() ? absl::OkStatus() : raised.status();
  });
  // On Redis Cluster, relays for writers that died between a change and its
  // relay; every replica runs it, the relay being safe to repeat. And on any
  // store, the retention, with the precision of its interval.
  osteoflow::PeriodicTask relay_sweep("event_relay_sweep", absl::Seconds(1), [feed] {
    if (!feed->relayed()) return absl::OkStatus();
    const absl::StatusOr<int> relayed = feed->RelayStale();
    return relayed.ok() ? absl::OkStatus() : relayed.status();
  });
  osteoflow::PeriodicTask retention("event_retention", std::min(absl::Minutes(1), feed_settings.retention / 2),
                                    [feed] { return feed->TrimToRetention(); });
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

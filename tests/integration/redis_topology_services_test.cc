// The real services with their Redis on the other topologies: screening and
// progress keep records on a Sentinel set or a Cluster, scheduling caches
// plans on a Cluster. An enrolment and session logs through progress, then
// the primary that holds the patient killed under the running processes,
// the next logs answered by the same processes once the failover is done,
// and the week advanced and reported. And the topology settings refused by a service, naming the setting.
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/redis/redis_slot.h"
#include "osteoflow/progress/v1/program_event.pb.h"
#include "osteoflow/progress/v1/progression_rules.pb.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/progress_server.h"
#include "tests/support/redis_cluster_set.h"
#include "tests/support/redis_process.h"
#include "tests/support/redis_sentinel_set.h"
#include "tests/support/redis_write_load.h"
#include "tests/support/redis_server.h"
#include "tests/support/scheduling_server.h"
#include "tests/support/screening_server.h"
#include "tests/support/service_process.h"

namespace osteoflow {
namespace {

namespace progress_v1 = osteoflow::progress::v1;
constexpr char kSample[] = "osteopenia-no-fractures.json";

// The four services, the store and cache at the given addresses. The
// start functions' own store and cache ports are overridden by `--*_address`, which
// come later on the command line.
struct Services {
  std::unique_ptr<testing::ServiceProcess> catalog;
  std::unique_ptr<testing::ServiceProcess> screening;
  std::unique_ptr<testing::ServiceProcess> scheduling;
  std::unique_ptr<testing::ServiceProcess> progress;
  std::unique_ptr<progress_v1::ProgressService::Stub> stub;

  absl::Status Start(const std::string& store_address, const std::string& cache_address,
                     const std::vector<std::string>& store_args, const std::vector<std::string>& progress_args = {}) {
    std::vector<std::string> store = {"--store_address=" + store_address};
    store.insert(store.end(), store_args.begin(), store_args.end());
    auto started_catalog = testing::StartCatalogServer();
    if (!started_catalog.ok()) return started_catalog.status();
    catalog = *std::move(started_catalog);
    auto started_screening = testing::StartScreeningServer(1, store);
    if (!started_screening.ok()) return started_screening.status();
    screening = *std::move(started_screening);
    auto started_scheduling = testing::StartSchedulingServer(catalog->address(), screening->address(), 1,
                                                             {"--cache_address=" + cache_address});
    if (!started_scheduling.ok()) return started_scheduling.status();
    scheduling = *std::move(started_scheduling);
    store.insert(store.end(), progress_args.begin(), progress_args.end());
    auto started_progress =
        testing::StartProgressServer(1, screening->address(), scheduling->address(), store);
    if (!started_progress.ok()) return started_progress.status();
    progress = *std::move(started_progress);
    stub = progress_v1::ProgressService::NewStub(
        grpc::CreateChannel("ipv4:" + progress->address(), grpc::InsecureChannelCredentials()));
    return absl::OkStatus();
  }
};

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return context;
}

// A Monday at least a week back, so that its sessions are not in the future.
std::string StartDate() {
  absl::CivilDay day = absl::ToCivilDay(absl::Now() - absl::Hours(24 * 7), absl::UTCTimeZone());
  while (absl::GetWeekday(day) != absl::Weekday::monday) --day;
  return absl::FormatCivilTime(day);
}

progress_v1::EnrollRequest EnrolRequest(const std::string& request_id) {
  progress_v1::EnrollRequest request;
  request.set_request_id(request_id);
  auto intake = testing::LoadSampleIntake(kSample);
  EXPECT_TRUE(intake.ok()) << intake.status();
  if (intake.ok()) *request.mutable_intake() = *intake;
  const std::string path = std::string(OSTEOFLOW_SOURCE_DIR) + "/samples/preferences/" + kSample;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(testing::ReadFile(path), request.mutable_preferences());
  EXPECT_TRUE(parsed.ok()) << parsed.ToString();
  request.set_start_date(StartDate());
  return request;
}

grpc::Status LogSession(Services& services, const std::string& program, const std::string& request_id,
                        const std::string& date, progress_v1::SessionLog* log) {
  progress_v1::LogSessionRequest request;
  request.set_program(program);
  request.set_request_id(request_id);
  request.mutable_session()->set_date(date);
  return services.stub->LogSession(Context().get(), request, log);
}

// Calls `call` until it is not UNAVAILABLE (the caller's retry with the same
// request, as the API asks), at most `timeout`; the last status.
grpc::Status RetryWhileUnavailable(absl::Duration timeout, const std::function<grpc::Status()>& call) {
  const absl::Time deadline = absl::Now() + timeout;
  grpc::Status status = call();
  while (status.error_code() == grpc::StatusCode::UNAVAILABLE && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
    status = call();
  }
  return status;
}

// Enrols, logs a session, has `kill_primary` take the patient's primary
// down, and logs the next sessions on the same processes.
void EnrolLogAndSurviveAFailover(Services& services, const std::function<void(const std::string& patient)>& kill_primary) {
  progress_v1::Program program;
  grpc::Status status = services.stub->Enroll(Context().get(), EnrolRequest("topology-enrol-1"), &program);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(program.current_plan().days_size(), 7);
  const std::string patient = program.current_plan().patient_id();
  progress_v1::SessionLog log;
  status = LogSession(services, program.name(), "topology-log-1", program.current_plan().days(0).date(), &log);
  ASSERT_TRUE(status.ok()) << status.error_message();

  kill_primary(patient);
  // The same processes answer once the failover is done: a retry of the
  // same request (which may have been applied) and a new one.
  progress_v1::SessionLog after;
  status = RetryWhileUnavailable(absl::Seconds(30), [&] {
    return LogSession(services, program.name(), "topology-log-2", program.current_plan().days(1).date(), &after);
  });
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << services.progress->Log();
  progress_v1::Program read;
  progress_v1::GetProgramRequest get;
  get.set_name(program.name());
  status = RetryWhileUnavailable(absl::Seconds(10), [&] { return services.stub->GetProgram(Context().get(), get, &read); });
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(read.name(), program.name());
  // The first log survived the failover: its retry finds it, not a new one.
  progress_v1::SessionLog again;
  status = LogSession(services, program.name(), "topology-log-1", program.current_plan().days(0).date(), &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(again.name(), log.name());

  // The rest of the pipeline on the same topology: the week finished and
  // the next planned (scheduling caches the new plan), the report read with
  // both weeks, and the patient's programmes listed.
  progress_v1::AdvanceWeekRequest advance;
  advance.set_program(program.name());
  advance.set_request_id("topology-advance-1");
  progress_v1::Program advanced;
  status = RetryWhileUnavailable(absl::Seconds(10),
                                 [&] { return services.stub->AdvanceWeek(Context().get(), advance, &advanced); });
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << services.progress->Log();
  EXPECT_EQ(advanced.week_index(), program.week_index() + 1);
  EXPECT_EQ(advanced.current_plan().days_size(), 7);
  EXPECT_NE(advanced.current_plan().days(0).date(), program.current_plan().days(0).date());
  progress_v1::GetProgressRequest report_request;
  report_request.set_program(program.name());
  progress_v1::ProgressReport report;
  status = services.stub->GetProgress(Context().get(), report_request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(report.weeks_size(), 2);
  EXPECT_EQ(report.weeks(0).sessions_logged(), 2);
  EXPECT_FALSE(report.decisions().empty());
  // The same a week a page, newest first.
  report_request.set_page_size(1);
  progress_v1::ProgressReport newest;
  status = services.stub->GetProgress(Context().get(), report_request, &newest);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(newest.weeks_size(), 1);
  EXPECT_EQ(newest.weeks(0).week_index(), advanced.week_index());
  report_request.set_page_token(newest.next_page_token());
  progress_v1::ProgressReport oldest;
  status = services.stub->GetProgress(Context().get(), report_request, &oldest);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(oldest.weeks_size(), 1);
  EXPECT_EQ(oldest.weeks(0).SerializeAsString(), report.weeks(0).SerializeAsString());
  EXPECT_EQ(oldest.decisions_size(), report.decisions_size());
  EXPECT_TRUE(oldest.next_page_token().empty());
  progress_v1::ListProgramsRequest list;
  list.set_parent("patients/" + patient);
  progress_v1::ListProgramsResponse listed;
  status = services.stub->ListPrograms(Context().get(), list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(listed.programs_size(), 1);
  EXPECT_EQ(listed.programs(0).week_index(), advanced.week_index());
}

TEST(RedisTopologyServices, StoreOnSentinelWithWaitAndCacheOnCluster) {
  auto set = testing::RedisSentinelSet::Start({});
  ASSERT_TRUE(set.ok()) << set.status();
  auto cache = testing::RedisClusterSet::Start({.replicas_each = 0});
  ASSERT_TRUE(cache.ok()) << cache.status();
  Services services;
  ASSERT_TRUE(services.Start((*set)->address(), (*cache)->address(),
                             {"--store_wait_replicas=1", "--store_wait_timeout=500ms"})
                  .ok());
  EnrolLogAndSurviveAFailover(services, [&](const std::string&) {
    auto primary = (*set)->PrimaryPort();
    ASSERT_TRUE(primary.ok()) << primary.status();
    (*set)->NodeOnPort(*primary)->Kill();
  });
}

TEST(RedisTopologyServices, StoreAndCacheOnACluster) {
  auto cluster = testing::RedisClusterSet::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  Services services;
  ASSERT_TRUE(services.Start((*cluster)->address(), (*cluster)->address(), {}).ok());
  EnrolLogAndSurviveAFailover(services, [&](const std::string& patient) {
    auto primary = (*cluster)->PrimaryOfSlot(RedisKeySlot(patient));
    ASSERT_TRUE(primary.ok()) << primary.status();
    (*cluster)->NodeOnPort(*primary)->Kill();
  });
}

// The event feed on a cluster: every change's events go to the outbox in
// its patient's slot with the change, and are relayed to feed partitions
// spread over the cluster's slots; nothing answers CROSSSLOT, and each
// patient's events come out whole and in order.
TEST(RedisTopologyServices, EventFeedOnAClusterStore) {
  auto cluster = testing::RedisClusterSet::Start({.replicas_each = 0});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  Services services;
  ASSERT_TRUE(services.Start((*cluster)->address(), (*cluster)->address(), {}).ok());
  constexpr int kPatients = 6;
  std::set<std::string> patients;
  for (int p = 0; p < kPatients; ++p) {
    progress_v1::EnrollRequest enrol = EnrolRequest(absl::StrCat("cluster-events-", p));
    enrol.mutable_intake()->set_patient_id(absl::StrCat("cluster-patient-", p));
    progress_v1::Program program;
    grpc::Status status = services.stub->Enroll(Context().get(), enrol, &program);
    ASSERT_TRUE(status.ok()) << status.error_message();
    progress_v1::LogSessionRequest red;
    red.set_program(program.name());
    red.set_request_id(absl::StrCat("cluster-red-", p));
    red.mutable_session()->set_date(program.current_plan().days(0).date());
    red.mutable_session()->add_symptoms(progress_v1::SESSION_SYMPTOM_CHEST_PAIN);
    progress_v1::SessionLog log;
    status = services.stub->LogSession(Context().get(), red, &log);
    ASSERT_TRUE(status.ok()) << status.error_message();
    patients.insert("patients/" + enrol.intake().patient_id());
  }
  std::map<std::string, std::vector<std::string>> types;
  progress_v1::ListEventsRequest request;
  request.set_page_size(4);
  for (int page = 0; page < 100; ++page) {
    progress_v1::ListEventsResponse response;
    const grpc::Status status = services.stub->ListEvents(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    if (response.events().empty()) break;
    for (const progress_v1::FeedEvent& event : response.events()) {
      progress_v1::ProgramEvent data;
      ASSERT_TRUE(event.event().proto_data().UnpackTo(&data));
      types[data.patient()].push_back(event.event().type());
    }
    request.set_page_token(response.next_page_token());
  }
  ASSERT_EQ(types.size(), patients.size());
  const std::string p = "org.osteoflow.progress.";
  for (const auto& [patient, seen] : types) {
    EXPECT_THAT(seen, ::testing::ElementsAre(p + "program.enrolled.v1", p + "redflag.reported.v1",
                                             p + "program.paused.v1"))
        << patient;
  }
  EXPECT_THAT(services.progress->Log(), ::testing::Not(::testing::HasSubstr("CROSSSLOT")));
}

// On a cluster an event goes through the patient's outbox and a relay. With
// progress killed (SIGKILL) and started again while 4 writers log sessions
// that raise events, every acknowledged log's event reaches the feed exactly
// once and in its patient's order: whatever the killed process left in an
// outbox is relayed by the sweep of the one that replaced it.
TEST(RedisTopologyServices, EventsOnAClusterSurviveAKillOfProgress) {
  auto cluster = testing::RedisClusterSet::Start({.replicas_each = 0});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  Services services;
  const std::vector<std::string> relay = {"--event_relay_after=6s"};
  ASSERT_TRUE(services.Start((*cluster)->address(), (*cluster)->address(), {}, relay).ok());
  constexpr int kWriters = 4;
  constexpr int kLogsEach = 10;
  std::vector<progress_v1::Program> programs(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    progress_v1::EnrollRequest enrol = EnrolRequest(absl::StrCat("cluster-kill-", w));
    enrol.mutable_intake()->set_patient_id(absl::StrCat("cluster-writer-", w));
    const grpc::Status status = services.stub->Enroll(Context().get(), enrol, &programs[w]);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::mutex mu;
  std::string address = services.progress->address();
  std::map<std::string, std::vector<std::string>> acknowledged;  // by patient, the logs in order
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const progress_v1::Program& program = programs[w];
      for (int n = 0; n < kLogsEach; ++n) {
        progress_v1::LogSessionRequest request;
        request.set_program(program.name());
        request.set_request_id(absl::StrCat("cluster-kill-log-", n));
        request.mutable_session()->set_date(program.current_plan().days(n % 7).date());
        // Dizziness: a red flag, then a clearance, so every log raises events.
        request.mutable_session()->add_symptoms(progress_v1::SESSION_SYMPTOM_DIZZINESS_OR_FAINTING);
        progress_v1::ResumeProgramRequest resume;
        resume.set_program(program.name());
        resume.set_request_id(absl::StrCat("cluster-kill-resume-", n));
        resume.set_cleared_by("clinician-1");
        resume.mutable_clear_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
        progress_v1::SessionLog log;
        progress_v1::Program resumed;
        for (const bool clearance : {false, true}) {
          grpc::Status status;
          for (int attempt = 0; attempt < 150; ++attempt) {
            std::string target;
            {
              std::lock_guard<std::mutex> lock(mu);
              target = address;
            }
            auto stub = progress_v1::ProgressService::NewStub(
                grpc::CreateChannel("ipv4:" + target, grpc::InsecureChannelCredentials()));
            status = clearance ? stub->ResumeProgram(Context().get(), resume, &resumed)
                               : stub->LogSession(Context().get(), request, &log);
            if (status.ok()) break;
            absl::SleepFor(absl::Milliseconds(100));
          }
          ASSERT_TRUE(status.ok()) << status.error_message();
          if (!clearance) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged[absl::StrCat("patients/cluster-writer-", w)].push_back(log.name());
          }
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(800));
  services.progress->Signal(SIGKILL);
  EXPECT_FALSE(services.progress->WaitForExit(absl::Seconds(10)).ok());
  std::vector<std::string> store = {"--store_address=" + (*cluster)->address()};
  store.insert(store.end(), relay.begin(), relay.end());
  auto restarted = testing::StartProgressServer(1, services.screening->address(), services.scheduling->address(), store);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  {
    std::lock_guard<std::mutex> lock(mu);
    services.progress = *std::move(restarted);
    address = services.progress->address();
  }
  for (std::thread& writer : writers) writer.join();
  services.stub = progress_v1::ProgressService::NewStub(
      grpc::CreateChannel("ipv4:" + address, grpc::InsecureChannelCredentials()));

  // Each acknowledged log's red flag, by its record, once and in order; what
  // the killed process left is relayed within event_relay_after and a sweep.
  std::map<std::string, std::vector<std::string>> flagged;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (true) {
    flagged.clear();
    progress_v1::ListEventsRequest request;
    request.add_types("org.osteoflow.progress.redflag.reported.v1");
    request.set_page_size(1000);
    progress_v1::ListEventsResponse response;
    const grpc::Status status = services.stub->ListEvents(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const progress_v1::FeedEvent& event : response.events()) {
      progress_v1::ProgramEvent data;
      ASSERT_TRUE(event.event().proto_data().UnpackTo(&data));
      flagged[data.patient()].push_back(data.record());
    }
    if (flagged == acknowledged || absl::Now() > deadline) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(flagged, acknowledged);
}

// A copy of the shipped progression rules without their record limits, so
// that a load of session logs into a few programmes is not refused.
std::string RulesWithoutRecordLimits() {
  progress_v1::ProgressionRulesDocument rules;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      testing::ReadFile(std::string(OSTEOFLOW_SOURCE_DIR) + "/services/progress/data/progression_rules.json"), &rules);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString();
  rules.mutable_record_limits()->set_session_logs_per_day(1000000);
  rules.mutable_record_limits()->set_session_logs_per_week(1000000);
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(rules, &json).ok());
  const std::string path = ::testing::TempDir() + "/progression_rules_without_limits.json";
  std::ofstream(path) << json;
  return path;
}

// Eight clients, each with a channel of its own, logging sessions into their
// own programmes (one enrolment per patient in `patients`, a multiple of 8)
// with a fresh request_id per call, until stopped. Afterwards each
// programme's stored logs are counted with GetProgress.
class SessionLogClients {
 public:
  static constexpr int kClients = 8;

  SessionLogClients(Services& services, const std::vector<std::string>& patients) {
    for (size_t i = 0; i < patients.size(); ++i) {
      progress_v1::EnrollRequest request = EnrolRequest(absl::StrCat("load-enrol-", patients[i]));
      request.mutable_intake()->set_patient_id(patients[i]);
      progress_v1::Program program;
      const grpc::Status status = services.stub->Enroll(Context().get(), request, &program);
      EXPECT_TRUE(status.ok()) << patients[i] << ": " << status.error_message();
      programs_.push_back(program);
    }
    for (int c = 0; c < kClients; ++c) {
      stubs_.push_back(progress_v1::ProgressService::NewStub(
          grpc::CreateChannel("ipv4:" + services.progress->address(), grpc::InsecureChannelCredentials())));
    }
    load_ = std::make_unique<testing::RedisWriteLoad>(kClients, [this](int client, int64_t n) {
      const progress_v1::Program& program = ProgramOf(client, n);
      progress_v1::LogSessionRequest request;
      request.set_program(program.name());
      request.set_request_id(absl::StrCat("load-", client, "-", n));
      request.mutable_session()->set_date(program.current_plan().days(static_cast<int>(n % 7)).date());
      progress_v1::SessionLog log;
      const grpc::Status status = stubs_[static_cast<size_t>(client)]->LogSession(Context().get(), request, &log);
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
    });
  }

  testing::RedisWriteLoad& load() { return *load_; }

  // Stops the clients; then, per programme, the logs acknowledged, the logs
  // answered with an error, and the logs stored (GetProgress's week 1).
  struct Count {
    int acknowledged = 0;
    int failed = 0;
    int stored = -1;
  };
  std::map<std::string, Count> StopAndCount(Services& services) {
    load_->Stop();
    std::map<std::string, Count> counts;
    for (const auto& done : load_->acknowledged()) ++counts[ProgramOf(done.thread, done.n).name()].acknowledged;
    for (const auto& failure : load_->failures()) ++counts[ProgramOf(failure.thread, failure.n).name()].failed;
    for (const progress_v1::Program& program : programs_) {
      progress_v1::GetProgressRequest request;
      request.set_program(program.name());
      progress_v1::ProgressReport report;
      const grpc::Status status = services.stub->GetProgress(Context().get(), request, &report);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (status.ok() && report.weeks_size() == 1) counts[program.name()].stored = report.weeks(0).sessions_logged();
    }
    return counts;
  }

 private:
  const progress_v1::Program& ProgramOf(int client, int64_t n) const {
    const size_t each = programs_.size() / kClients;
    return programs_[static_cast<size_t>(client) * each + static_cast<size_t>(n) % each];
  }

  std::vector<progress_v1::Program> programs_;
  std::vector<std::unique_ptr<progress_v1::ProgressService::Stub>> stubs_;
  std::unique_ptr<testing::RedisWriteLoad> load_;
};

// Slots resharded (redis-cli --cluster reshard) under the store while eight
// clients log sessions through progress, every patient's keys in the slots
// that move: no call fails, and every acknowledged log is stored.
TEST(RedisTopologyServices, EightClientsLogThroughAReshardWithoutAFailedCall) {
  auto cluster = testing::RedisClusterSet::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  constexpr int kMoved = 300;
  auto source = (*cluster)->PrimaryOfSlot(0);
  auto target = (*cluster)->PrimaryOfSlot(kRedisSlotCount - 1);
  ASSERT_TRUE(source.ok() && target.ok());
  auto source_id = (*cluster)->NodeId(*source);
  auto target_id = (*cluster)->NodeId(*target);
  ASSERT_TRUE(source_id.ok() && target_id.ok());
  Services services;
  ASSERT_TRUE(services.Start((*cluster)->address(), (*cluster)->address(), {},
                             {"--progression_rules_file=" + RulesWithoutRecordLimits()})
                  .ok());
  SessionLogClients clients(services, testing::PatientsInSlots(0, kMoved - 1, 16, "reshard"));
  absl::SleepFor(absl::Milliseconds(300));
  auto resharded = (*cluster)->Cli({"--cluster", "reshard", (*cluster)->node(0).address(), "--cluster-from",
                                    *source_id, "--cluster-to", *target_id, "--cluster-slots",
                                    absl::StrCat(kMoved), "--cluster-yes", "--cluster-pipeline", "100"},
                                   absl::Seconds(90));
  absl::SleepFor(absl::Milliseconds(300));
  const std::map<std::string, SessionLogClients::Count> counts = clients.StopAndCount(services);
  ASSERT_TRUE(resharded.ok()) << resharded.status();
  ASSERT_EQ(resharded->exit_code, 0) << resharded->output;
  auto moved = (*cluster)->PrimaryOfSlot(0);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, *target);
  for (const auto& failure : clients.load().failures()) ADD_FAILURE() << "log " << failure.n << ": " << failure.status;
  int acknowledged = 0;
  for (const auto& [program, count] : counts) {
    EXPECT_EQ(count.stored, count.acknowledged) << program;
    acknowledged += count.acknowledged;
  }
  EXPECT_GT(acknowledged, 100);
  std::printf("cluster reshard of %d slots under 8 clients logging through progress: %d logs acknowledged, %zu failed\n",
              kMoved, acknowledged, clients.load().failures().size());
}

// The Sentinel primary killed (kill -9) under the store while eight clients
// log sessions through progress, every durable write waiting for a replica
// (WAIT 1): calls fail only UNAVAILABLE and only while the failover lasts,
// the same progress answers on the promoted replica, and no acknowledged log
// is missing.
TEST(RedisTopologyServices, EightClientsLogThroughAKillOfTheSentinelPrimaryLosingNothingWithWait) {
  auto set = testing::RedisSentinelSet::Start({});
  ASSERT_TRUE(set.ok()) << set.status();
  auto primary = (*set)->PrimaryPort();
  ASSERT_TRUE(primary.ok()) << primary.status();
  auto cache = testing::RedisServer::Start({});
  ASSERT_TRUE(cache.ok()) << cache.status();
  Services services;
  ASSERT_TRUE(services.Start((*set)->address(), absl::StrCat("127.0.0.1:", (*cache)->port()),
                             {"--store_wait_replicas=1", "--store_wait_timeout=500ms"},
                             {"--progression_rules_file=" + RulesWithoutRecordLimits()})
                  .ok());
  std::vector<std::string> patients;
  for (int p = 0; p < 16; ++p) patients.push_back(absl::StrCat("failover-", p));
  SessionLogClients clients(services, patients);
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time killed = absl::Now();
  (*set)->NodeOnPort(*primary)->Kill();
  auto promoted = (*set)->WaitForNewPrimary(*primary, absl::Seconds(30));
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  ASSERT_TRUE(clients.load().WaitForEveryWriterAfter(absl::Now(), absl::Seconds(20)).ok())
      << services.progress->Log();
  const absl::Time resumed = absl::Now();
  absl::SleepFor(absl::Milliseconds(300));
  const std::map<std::string, SessionLogClients::Count> counts = clients.StopAndCount(services);
  for (const auto& failure : clients.load().failures()) {
    EXPECT_EQ(failure.status.code(), absl::StatusCode::kUnavailable) << failure.status;
    EXPECT_GE(failure.at, killed) << failure.status;
    EXPECT_LE(failure.at, resumed) << failure.status;
  }
  int acknowledged = 0;
  for (const auto& [program, count] : counts) {
    // A failed log may have been stored before its answer was lost.
    EXPECT_GE(count.stored, count.acknowledged) << program << ": an acknowledged log is missing";
    EXPECT_LE(count.stored, count.acknowledged + count.failed) << program;
    acknowledged += count.acknowledged;
  }
  EXPECT_GT(acknowledged, 100);
  std::printf("sentinel kill -9 under 8 clients logging through progress (WAIT 1): %d logs acknowledged, %zu failed "
              "UNAVAILABLE, failover to resumed %s\n",
              acknowledged, clients.load().failures().size(), absl::FormatDuration(resumed - killed).c_str());
}

// The plan cache fails open: with a node of the cache's cluster gone (no
// replica to take over, so the cluster refuses every call), plans are
// computed and answered, and enrolment goes on.
TEST(RedisTopologyServices, CacheOnAClusterWithANodeKilledKeepsAnswering) {
  auto store = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(store.ok()) << store.status();
  auto cache = testing::RedisClusterSet::Start({.replicas_each = 0});
  ASSERT_TRUE(cache.ok()) << cache.status();
  Services services;
  ASSERT_TRUE(services.Start(absl::StrCat("127.0.0.1:", (*store)->port()), (*cache)->address(), {}).ok());
  progress_v1::Program first;
  grpc::Status status = services.stub->Enroll(Context().get(), EnrolRequest("cache-enrol-1"), &first);
  ASSERT_TRUE(status.ok()) << status.error_message();

  (*cache)->node(1).Kill();
  for (const char* request_id : {"cache-enrol-2", "cache-enrol-3"}) {
    progress_v1::EnrollRequest request = EnrolRequest(request_id);
    request.mutable_intake()->set_patient_id(absl::StrCat("patient-", request_id));
    progress_v1::Program program;
    status = services.stub->Enroll(Context().get(), request, &program);
    ASSERT_TRUE(status.ok()) << request_id << ": " << status.error_message() << "\n" << services.scheduling->Log();
    EXPECT_EQ(program.current_plan().days_size(), 7) << request_id;
  }
}

TEST(RedisTopologyServices, TopologySettingsRefusedNamingTheSetting) {
  testing::ExpectSettingsRefused(
      testing::BinaryPath("services/screening/osteoflow-screening"),
      {"--listen_address=127.0.0.1:0", "--rule_set_file=" + testing::ShippedRuleSetPath()},
      {{"--store_address=redis-sentinel://127.0.0.1:26379", "store_address"},
       {"--store_address=redis-cluster://", "store_address"},
       {"--store_address=rediss://127.0.0.1:6379", "store_address"},
       {"--store_wait_replicas=-1", "store_wait_replicas"},
       {"--store_wait_timeout=1s", "store_wait_timeout"}});
}

}  // namespace
}  // namespace osteoflow

// The progress event feed with real binaries and a real Redis: what a red
// flag, a fall, high pain, a resumption and a measurement put on it, the
// CloudEvents shape, filters, paging, the OUT_OF_RANGE of a cursor past the
// retention, and watchers that follow it across a kill -9 of progress.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "osteoflow/cloudevents/v1/cloudevents.pb.h"
#include "osteoflow/progress/v1/program_event.pb.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "tests/support/enrolments.h"
#include "tests/support/local_suite.h"
#include "tests/support/progress_server.h"
#include "tests/support/screening_server.h"

namespace osteoflow {
namespace {

namespace v1 = osteoflow::progress::v1;
using ::testing::ElementsAre;

constexpr char kPrefix[] = "org.osteoflow.progress.";

std::unique_ptr<grpc::ClientContext> Context(absl::Duration deadline = absl::Seconds(20)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  context->set_wait_for_ready(true);
  return context;
}

// "program.paused" from "org.osteoflow.progress.program.paused.v1".
std::string ShortType(const std::string& type) {
  std::string rest = type.substr(std::string(kPrefix).size());
  return rest.substr(0, rest.size() - 3);
}

v1::ProgramEvent DataOf(const io::cloudevents::v1::CloudEvent& event) {
  v1::ProgramEvent data;
  EXPECT_TRUE(event.proto_data().UnpackTo(&data)) << event.ShortDebugString();
  return data;
}

// The first exercise the programme's plan has on any day.
std::string FirstExercise(const v1::Program& program) {
  for (const auto& day : program.current_plan().days()) {
    for (const auto& session : day.sessions()) {
      if (!session.items().empty()) return session.items(0).exercise();
    }
  }
  return "";
}

class EventFeedTest : public ::testing::Test {
 protected:
  void StartSuite(std::vector<std::string> progress_args = {}) {
    testing::LocalSuite::Options options;
    options.durable_store = false;
    options.progress_args = std::move(progress_args);
    auto started = testing::LocalSuite::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    suite_ = *std::move(started);
    Connect(suite_->progress->address());
    absl::StatusOr<screening::v1::Intake> intake = testing::LoadSampleIntake("osteopenia-no-fractures.json");
    ASSERT_TRUE(intake.ok()) << intake.status();
    intake_ = *intake;
  }
  void Connect(const std::string& address) {
    stub_ = v1::ProgressService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }

  v1::Program Enrol(const std::string& patient) {
    v1::Program program;
    const grpc::Status status =
        stub_->Enroll(Context().get(), testing::ThreeDayEnrolment(intake_, patient, "enrol-" + patient), &program);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return program;
  }

  v1::LogSessionRequest Log(const v1::Program& program, const std::string& request_id) {
    v1::LogSessionRequest request;
    request.set_program(program.name());
    request.set_request_id(request_id);
    request.mutable_session()->set_date(program.start_date());
    return request;
  }
  grpc::Status Send(const v1::LogSessionRequest& request, v1::SessionLog* log) {
    return stub_->LogSession(Context().get(), request, log);
  }
  grpc::Status Resume(const v1::Program& program, const std::string& request_id) {
    v1::ResumeProgramRequest request;
    request.set_program(program.name());
    request.set_request_id(request_id);
    request.set_cleared_by("clinician-1");
    *request.mutable_clear_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
    v1::Program resumed;
    return stub_->ResumeProgram(Context().get(), request, &resumed);
  }

  // Every event of `patient` from the oldest kept, paged `page_size` at a time.
  std::vector<v1::FeedEvent> AllEvents(const std::string& patient, int page_size = 2) {
    std::vector<v1::FeedEvent> events;
    v1::ListEventsRequest request;
    request.set_patient(patient.empty() ? "" : "patients/" + patient);
    request.set_page_size(page_size);
    for (int page = 0; page < 1000; ++page) {
      v1::ListEventsResponse response;
      const grpc::Status status = stub_->ListEvents(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok() || response.events().empty()) break;
      for (const v1::FeedEvent& event : response.events()) events.push_back(event);
      request.set_page_token(response.next_page_token());
    }
    return events;
  }

  std::unique_ptr<testing::LocalSuite> suite_;
  std::unique_ptr<v1::ProgressService::Stub> stub_;
  screening::v1::Intake intake_;
};

TEST_F(EventFeedTest, RedFlagFallPainAndResumptionAreEventsWithTheirRules) {
  StartSuite();
  const v1::Program program = Enrol("pat-a");
  Enrol("pat-b");  // another patient's events stay out of pat-a's

  v1::LogSessionRequest chest = Log(program, "log-chest");
  chest.mutable_session()->add_symptoms(v1::SESSION_SYMPTOM_CHEST_PAIN);
  v1::SessionLog chest_log;
  ASSERT_TRUE(Send(chest, &chest_log).ok());
  // A retry of the same log raises nothing again.
  ASSERT_TRUE(Send(chest, &chest_log).ok());
  ASSERT_TRUE(Resume(program, "resume-1").ok());
  v1::LogSessionRequest fall = Log(program, "log-fall");
  fall.mutable_session()->mutable_fall()->set_fell(true);
  fall.mutable_session()->mutable_fall()->set_injured(true);
  v1::SessionLog fall_log;
  ASSERT_TRUE(Send(fall, &fall_log).ok());

  std::vector<std::string> types;
  std::vector<std::vector<std::string>> rules;
  std::set<std::string> ids;
  for (const v1::FeedEvent& event : AllEvents("pat-a")) {
    const io::cloudevents::v1::CloudEvent& cloud = event.event();
    EXPECT_EQ(cloud.spec_version(), "1.0");
    EXPECT_EQ(cloud.source(), "/osteoflow/progress");
    EXPECT_TRUE(ids.insert(cloud.id()).second) << "an id twice: " << cloud.id();
    EXPECT_EQ(cloud.attributes().at("subject").ce_string(), program.name());
    EXPECT_EQ(cloud.attributes().at("partitionkey").ce_string(), "pat-a");
    EXPECT_TRUE(cloud.attributes().at("time").has_ce_timestamp());
    const v1::ProgramEvent data = DataOf(cloud);
    EXPECT_EQ(data.patient(), "patients/pat-a");
    EXPECT_EQ(data.program(), program.name());
    EXPECT_EQ(cloud.type(), absl::StrCat(kPrefix, ShortType(cloud.type()), ".v1"));
    types.push_back(ShortType(cloud.type()));
    rules.emplace_back(data.rule_ids().begin(), data.rule_ids().end());
    if (data.type() == v1::PROGRAM_EVENT_TYPE_FALL_REPORTED) {
      EXPECT_TRUE(data.injured());
      EXPECT_EQ(data.record(), fall_log.name());
    }
    if (data.type() == v1::PROGRAM_EVENT_TYPE_RED_FLAG_REPORTED) {
      EXPECT_EQ(data.record(), chest_log.name());
    }
  }
  EXPECT_THAT(types, ElementsAre("program.enrolled", "redflag.reported", "program.paused", "program.resumed",
                                 "fall.reported", "program.paused", "rescreen.due"));
  ASSERT_EQ(rules.size(), 7u);
  EXPECT_THAT(rules[1], ElementsAre("RF-CHEST"));
  EXPECT_THAT(rules[2], ElementsAre("PROG-STOP"));
  EXPECT_THAT(rules[4], ElementsAre("PROG-STOP"));
  EXPECT_THAT(rules[6], ElementsAre("SUP-FALLS"));

  // Filtered by type, across patients.
  v1::ListEventsRequest enrolled;
  enrolled.add_types("org.osteoflow.progress.program.enrolled.v1");
  v1::ListEventsResponse response;
  ASSERT_TRUE(stub_->ListEvents(Context().get(), enrolled, &response).ok());
  std::set<std::string> patients;
  for (const v1::FeedEvent& event : response.events()) patients.insert(DataOf(event.event()).patient());
  EXPECT_THAT(patients, ElementsAre("patients/pat-a", "patients/pat-b"));
  // The page token of the end reads nothing more, and is still a cursor.
  enrolled.set_page_token(response.next_page_token());
  v1::ListEventsResponse after;
  ASSERT_TRUE(stub_->ListEvents(Context().get(), enrolled, &after).ok());
  EXPECT_TRUE(after.events().empty());
  EXPECT_FALSE(after.next_page_token().empty());
}

TEST_F(EventFeedTest, BadRequestsNameTheirField) {
  StartSuite();
  v1::ListEventsRequest request;
  request.add_types("org.osteoflow.progress.nothing.v1");
  v1::ListEventsResponse response;
  grpc::Status status = stub_->ListEvents(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("types[0]"));
  request.Clear();
  request.set_page_token("not-a-cursor");
  status = stub_->ListEvents(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("page_token"));
  request.Clear();
  request.set_patient("people/x");
  status = stub_->ListEvents(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("patient"));
}

TEST_F(EventFeedTest, ACursorPastTheRetentionIsOutOfRangeNamingTheOldest) {
  StartSuite({"--event_retention=2s"});
  // The feed's end before anything happened.
  v1::ListEventsRequest request;
  request.set_patient("patients/pat-old");
  v1::ListEventsResponse empty;
  ASSERT_TRUE(stub_->ListEvents(Context().get(), request, &empty).ok());
  ASSERT_TRUE(empty.events().empty());
  const v1::Program program = Enrol("pat-old");
  // Past the retention (2 s), the next trim (every second) removes the
  // enrolment's event: the cursor from before it is then behind the feed.
  request.set_page_token(empty.next_page_token());
  v1::ListEventsResponse response;
  grpc::Status status;
  for (const absl::Time until = absl::Now() + absl::Seconds(15); absl::Now() < until;) {
    status = stub_->ListEvents(Context().get(), request, &response);
    if (status.error_code() == grpc::StatusCode::OUT_OF_RANGE) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE) << "the enrolment's event outlived its retention";
  v1::LogSessionRequest dizzy = Log(program, "log-dizzy");
  dizzy.mutable_session()->add_symptoms(v1::SESSION_SYMPTOM_DIZZINESS_OR_FAINTING);
  v1::SessionLog log;
  ASSERT_TRUE(Send(dizzy, &log).ok());

  status = stub_->ListEvents(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE) << status.error_message();
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("page_token: events after it are past"));
  const std::string oldest = status.error_message().substr(status.error_message().rfind(' ') + 1);
  request.set_page_token(oldest);
  ASSERT_TRUE(stub_->ListEvents(Context().get(), request, &response).ok());
  std::vector<std::string> types;
  for (const v1::FeedEvent& event : response.events()) types.push_back(ShortType(event.event().type()));
  EXPECT_THAT(types, ElementsAre("redflag.reported", "program.paused"));
}

// 8 writers log sessions that raise events (high pain; every fourth a fall,
// then a resumption) while 2 watchers follow the feed; progress is killed
// with SIGKILL and started again midway, and each watcher resumes from the
// last cursor it got. Every acknowledged log's events reach both watchers,
// once after de-duplication by id, in each patient's order.
TEST_F(EventFeedTest, WatchersGetEveryAcknowledgedEventOnceInOrderAcrossAKill) {
  StartSuite({"--event_relay_after=6s", "--event_poll_interval=50ms", "--event_heartbeat=500ms"});
  constexpr int kWriters = 8;
  constexpr int kLogsEach = 12;
  std::vector<v1::Program> programs;
  for (int w = 0; w < kWriters; ++w) programs.push_back(Enrol(absl::StrFormat("writer-%d", w)));

  std::mutex mu;
  std::string address = suite_->progress->address();
  // What each writer had acknowledged: its logs' names, in order.
  std::map<std::string, std::vector<std::string>> acknowledged;
  std::atomic<bool> writing{true};

  struct Watcher {
    std::map<std::string, v1::FeedEvent> by_id;
    // Per patient, the records of pain events in first-seen order.
    std::map<std::string, std::vector<std::string>> records;
    std::string cursor;
    int reconnects = 0;
  };
  std::vector<Watcher> watchers(2);
  // A watcher starts from the feed's end now (before any log).
  auto watch = [&](Watcher& watcher) {
    while (true) {
      std::string target;
      {
        std::lock_guard<std::mutex> lock(mu);
        target = address;
      }
      auto stub = v1::ProgressService::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
      context.set_wait_for_ready(true);
      v1::WatchEventsRequest request;
      request.set_cursor(watcher.cursor);
      request.add_types("org.osteoflow.progress.pain.reported.v1");
      request.add_types("org.osteoflow.progress.fall.reported.v1");
      auto reader = stub->WatchEvents(&context, request);
      v1::FeedEvent event;
      while (reader->Read(&event)) {
        watcher.cursor = event.cursor();
        if (!event.has_event()) continue;  // a heartbeat
        const v1::ProgramEvent data = DataOf(event.event());
        if (watcher.by_id.emplace(event.event().id(), event).second) {
          watcher.records[data.patient()].push_back(data.record());
        }
      }
      reader->Finish();
      ++watcher.reconnects;
      if (!writing) {
        // One more pass once the writers are done, to the feed's end.
        size_t total = 0;
        {
          std::lock_guard<std::mutex> lock(mu);
          for (const auto& [patient, logs] : acknowledged) total += logs.size();
        }
        size_t seen = 0;
        for (const auto& [patient, records] : watcher.records) seen += records.size();
        if (seen >= total || watcher.reconnects > 200) return;
      }
    }
  };
  // The watchers' first cursor: the end of the feed before any log.
  {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(1200)));
    v1::WatchEventsRequest request;
    auto reader = stub_->WatchEvents(&context, request);
    v1::FeedEvent heartbeat;
    ASSERT_TRUE(reader->Read(&heartbeat));
    for (Watcher& watcher : watchers) watcher.cursor = heartbeat.cursor();
    context.TryCancel();
    reader->Finish();
  }
  std::vector<std::thread> watching;
  for (Watcher& watcher : watchers) watching.emplace_back(watch, std::ref(watcher));

  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const v1::Program& program = programs[w];
      for (int n = 0; n < kLogsEach; ++n) {
        std::string target;
        {
          std::lock_guard<std::mutex> lock(mu);
          target = address;
        }
        auto stub = v1::ProgressService::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
        v1::LogSessionRequest request = Log(program, absl::StrFormat("w%d-log-%d", w, n));
        // Spread over the week: a day takes a few logs at most.
        absl::CivilDay start;
        ASSERT_TRUE(absl::ParseCivilTime(program.start_date(), &start));
        request.mutable_session()->set_date(absl::FormatCivilTime(start + n % 7));
        const bool fall = n % 4 == 3;
        if (fall) {
          request.mutable_session()->mutable_fall()->set_fell(true);
        } else {
          v1::ItemLog* item = request.mutable_session()->add_items();
          item->set_exercise(FirstExercise(program));
          item->set_pain(6);
        }
        // A call tried again (same request id) until acknowledged, on a
        // channel to wherever progress now is: a kill loses the call, never
        // the write.
        const auto until_acknowledged = [&](const auto& call) {
          grpc::Status status;
          for (int attempt = 0; attempt < 100; ++attempt) {
            status = call(*stub);
            if (status.ok()) break;
            absl::SleepFor(absl::Milliseconds(100));
            std::lock_guard<std::mutex> lock(mu);
            stub = v1::ProgressService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
          }
          return status;
        };
        v1::SessionLog log;
        grpc::Status status = until_acknowledged([&](v1::ProgressService::Stub& to) {
          return to.LogSession(Context(absl::Seconds(5)).get(), request, &log);
        });
        ASSERT_TRUE(status.ok()) << status.error_message();
        {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged[absl::StrFormat("patients/writer-%d", w)].push_back(log.name());
        }
        if (fall) {
          v1::ResumeProgramRequest resume;
          resume.set_program(program.name());
          resume.set_request_id(absl::StrFormat("w%d-resume-%d", w, n));
          resume.set_cleared_by("clinician-1");
          *resume.mutable_clear_time() =
              google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
          v1::Program resumed;
          status = until_acknowledged([&](v1::ProgressService::Stub& to) {
            return to.ResumeProgram(Context(absl::Seconds(5)).get(), resume, &resumed);
          });
          ASSERT_TRUE(status.ok()) << status.error_message();
        }
      }
    });
  }
  // Midway, kill -9 and start again.
  absl::SleepFor(absl::Milliseconds(700));
  suite_->progress->Signal(SIGKILL);
  EXPECT_FALSE(suite_->progress->WaitForExit(absl::Seconds(10)).ok());  // killed by the signal
  auto restarted = testing::StartProgressServer(
      suite_->store->port(), suite_->screening->address(), suite_->scheduling->address(),
      {"--event_relay_after=6s", "--event_poll_interval=50ms", "--event_heartbeat=500ms"});
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  {
    std::lock_guard<std::mutex> lock(mu);
    suite_->progress = *std::move(restarted);
    address = suite_->progress->address();
  }
  for (std::thread& writer : writers) writer.join();
  writing = false;
  for (std::thread& watcher : watching) watcher.join();

  for (const Watcher& watcher : watchers) {
    EXPECT_GE(watcher.reconnects, 2) << "the kill should have ended a watch";
    for (const auto& [patient, logs] : acknowledged) {
      ASSERT_TRUE(watcher.records.contains(patient)) << patient;
      // Each log raised one event of the two types watched: the same records
      // in the same order.
      EXPECT_EQ(watcher.records.at(patient), logs) << patient;
    }
  }
}

// Two replicas share the store; the one holding the sweep lease raises a
// sessions.missed event for a programme whose planned days passed unlogged.
// Killed with SIGKILL, it stops renewing the lease and the other replica
// takes the sweep over within the lease's time; no stretch is raised twice.
TEST_F(EventFeedTest, OneReplicaSweepsForMissedSessionsAndAnotherTakesOverWhenItDies) {
  // The lease outlasts two sweeps and a store command (3 s in tests).
  const std::vector<std::string> sweep = {"--missed_sessions_days=2", "--missed_sessions_sweep_interval=200ms",
                                          "--missed_sessions_recheck=200ms", "--sweep_lease=4s"};
  StartSuite(sweep);
  auto second = testing::StartProgressServer(suite_->store->port(), suite_->screening->address(),
                                             suite_->scheduling->address(), sweep);
  ASSERT_TRUE(second.ok()) << second.status();
  std::unique_ptr<testing::ServiceProcess> other = *std::move(second);

  // How many sessions.missed events a patient has on the feed.
  const auto missed = [&](const std::string& patient) {
    v1::ListEventsRequest request;
    request.set_patient("patients/" + patient);
    request.add_types("org.osteoflow.progress.sessions.missed.v1");
    v1::ListEventsResponse response;
    const grpc::Status status = stub_->ListEvents(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.events_size();
  };
  const auto wait_for_missed = [&](const std::string& patient, absl::Duration within) {
    const absl::Time deadline = absl::Now() + within;
    while (missed(patient) == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
    return missed(patient);
  };

  // Week 1 (Monday, Wednesday and Friday) is past and nothing was logged.
  Enrol("pat-m1");
  ASSERT_EQ(wait_for_missed("pat-m1", absl::Seconds(10)), 1);
  v1::ListEventsRequest request;
  request.set_patient("patients/pat-m1");
  request.add_types("org.osteoflow.progress.sessions.missed.v1");
  v1::ListEventsResponse response;
  ASSERT_TRUE(stub_->ListEvents(Context().get(), request, &response).ok());
  const v1::ProgramEvent data = DataOf(response.events(0).event());
  EXPECT_EQ(data.missed_days(), 3);
  EXPECT_EQ(data.first_missed_date(), "2026-11-23");
  EXPECT_EQ(data.last_missed_date(), "2026-11-27");

  // Which replica holds the lease: its value starts with the holder's pid.
  RedisPoolOptions store;
  store.role = "store";
  store.port = suite_->store->port();
  RedisPool pool(store);
  absl::StatusOr<RedisReply> lease = pool.Execute({"GET", "osteoflow:v1:{sweep-missed-sessions}:lease"});
  ASSERT_TRUE(lease.ok() && lease->type == RedisReply::Type::kString) << lease.status();
  const bool first_holds = absl::StartsWith(lease->text, absl::StrCat(suite_->progress->pid(), "-"));
  ASSERT_TRUE(first_holds || absl::StartsWith(lease->text, absl::StrCat(other->pid(), "-"))) << lease->text;
  std::unique_ptr<testing::ServiceProcess>& holder = first_holds ? suite_->progress : other;
  std::unique_ptr<testing::ServiceProcess>& survivor = first_holds ? other : suite_->progress;
  holder->Signal(SIGKILL);
  EXPECT_FALSE(holder->WaitForExit(absl::Seconds(10)).ok());
  Connect(survivor->address());

  const absl::Time killed = absl::Now();
  Enrol("pat-m2");
  ASSERT_EQ(wait_for_missed("pat-m2", absl::Seconds(15)), 1);
  const absl::Duration took = absl::Now() - killed;
  EXPECT_LT(took, absl::Seconds(4) + absl::Seconds(2)) << "the lease's time, a sweep and some slack";
  ::testing::Test::RecordProperty("takeover_seconds", absl::StrCat(absl::ToDoubleSeconds(took)));
  // The survivor has swept pat-m1 again many times by now: still one event.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(missed("pat-m1"), 1);
  EXPECT_EQ(missed("pat-m2"), 1);
}

}  // namespace
}  // namespace osteoflow

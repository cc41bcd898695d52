// The real screening binary over real gRPC channels, against a real
// redis-server as its durable store: every RPC, idempotent retries, bad
// input, store outages, restarts, startup refusals and what the log holds.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <latch>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"
#include "tests/support/raw_call.h"
#include "tests/support/redis_server.h"
#include "tests/support/screening_server.h"
#include "tests/support/service_process.h"

namespace osteoflow::screening {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
namespace common = osteoflow::common::v1;

constexpr char kScreeningService[] = "osteoflow.screening.v1.ScreeningService";
constexpr char kMethodPrefix[] = "/osteoflow.screening.v1.ScreeningService/";
constexpr char kOsteopenia[] = "osteopenia-no-fractures.json";
constexpr char kVertebral[] = "osteoporosis-vertebral-fracture-two-falls.json";
constexpr char kRedFlag[] = "red-flag-chest-pain.json";
// How long a readiness change may take to show: the store is checked every
// 100ms, so this is generous even on a loaded machine.
constexpr absl::Duration kReadinessTimeout = absl::Seconds(5);

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(5)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

::testing::AssertionResult SameMessage(const google::protobuf::Message& actual,
                                       const google::protobuf::Message& expected) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  if (differencer.Compare(expected, actual)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "messages differ:\n" << differences;
}

absl::Time TimeOf(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(timestamp));
}

v1::ScreenRequest ScreenRequestFor(const v1::Intake& intake, const std::string& request_id) {
  v1::ScreenRequest request;
  request.set_request_id(request_id);
  *request.mutable_intake() = intake;
  return request;
}

// A day `days` after today (UTC), as an intake writes it.
std::string DayFromToday(int days) {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days);
}

// A channel to one service process and the stubs the tests speak.
class Client {
 public:
  explicit Client(const testing::ServiceProcess& server)
      : channel_(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials())),
        screening_(v1::ScreeningService::NewStub(channel_)),
        health_(grpc::health::v1::Health::NewStub(channel_)) {}

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  grpc::Status Screen(const v1::ScreenRequest& request, v1::Screening* screening) {
    return screening_->Screen(Context().get(), request, screening);
  }

  grpc::Status Get(const std::string& name, v1::Screening* screening) {
    v1::GetScreeningRequest request;
    request.set_name(name);
    return screening_->GetScreening(Context().get(), request, screening);
  }

  grpc::Status List(const std::string& parent, int page_size, const std::string& page_token,
                    v1::ListScreeningsResponse* response) {
    v1::ListScreeningsRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return screening_->ListScreenings(Context().get(), request, response);
  }

  // Every screening of a patient, walking all pages; fails the test on an error.
  std::vector<v1::Screening> ListAll(const std::string& patient_id) {
    std::vector<v1::Screening> all;
    std::string token;
    for (int page = 0; page < 100; ++page) {
      v1::ListScreeningsResponse response;
      const grpc::Status status = List("patients/" + patient_id, 0, token, &response);
      EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
      if (!status.ok()) break;
      all.insert(all.end(), response.screenings().begin(), response.screenings().end());
      token = response.next_page_token();
      if (token.empty()) break;
    }
    return all;
  }

  grpc::Status Validate(const v1::Intake& intake, v1::ValidateIntakeResponse* response) {
    v1::ValidateIntakeRequest request;
    *request.mutable_intake() = intake;
    return screening_->ValidateIntake(Context().get(), request, response);
  }

  // The health status of `service` ("" is liveness); UNKNOWN when the check
  // itself fails.
  HealthCheckResponse::ServingStatus Health(const std::string& service) {
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    if (!health_->Check(Context(absl::Seconds(1)).get(), request, &response).ok()) {
      return HealthCheckResponse::UNKNOWN;
    }
    return response.status();
  }

  // Polls readiness until it is `want`; whether it got there in time.
  bool WaitForReadiness(HealthCheckResponse::ServingStatus want,
                        absl::Duration timeout = kReadinessTimeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (true) {
      if (Health(kScreeningService) == want) return true;
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  // Sends raw bytes to a method, as a broken or hostile client would.
  grpc::Status SendRawBytes(const std::string& method, const std::string& bytes) {
    return testing::SendRawBytes(channel_, method, bytes);
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ScreeningService::Stub> screening_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// Each test gets its own durable store and its own service process.
class ScreeningServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = testing::RedisServer::Start({.durable = true});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_NO_FATAL_FAILURE(StartService());
  }

  void StartService() {
    client_.reset();
    auto server = testing::StartScreeningServer(store_->port());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<Client>(*server_);
  }

  static v1::Intake Sample(const std::string& file_name) {
    auto intake = testing::LoadSampleIntake(file_name);
    EXPECT_TRUE(intake.ok()) << intake.status();
    return intake.ok() ? *intake : v1::Intake();
  }

  std::unique_ptr<testing::RedisServer> store_;
  std::unique_ptr<testing::ServiceProcess> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ScreeningServiceTest, ScreenStoresTheScreeningAndGetReturnsIt) {
  const v1::Intake intake = Sample(kOsteopenia);
  const absl::Time before = absl::Now();
  v1::Screening screening;
  const grpc::Status status = client_->Screen(ScreenRequestFor(intake, "req-first-1"), &screening);
  const absl::Time after = absl::Now();
  ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();

  EXPECT_THAT(screening.name(),
              MatchesRegex("patients/sample-osteopenia-01/screenings/[0-9a-f]+"));
  EXPECT_EQ(screening.request_id(), "req-first-1");
  ASSERT_TRUE(screening.has_create_time());
  EXPECT_GE(TimeOf(screening.create_time()), before - absl::Seconds(1));
  EXPECT_LE(TimeOf(screening.create_time()), after + absl::Seconds(1));
  EXPECT_TRUE(SameMessage(screening.intake(), intake));
  ASSERT_TRUE(screening.has_result());
  EXPECT_NE(screening.result().outcome(), v1::OUTCOME_UNSPECIFIED);
  EXPECT_THAT(screening.result().rule_set_version(), MatchesRegex(".+\\+[0-9a-f]+"));

  v1::Screening got;
  const grpc::Status get = client_->Get(screening.name(), &got);
  ASSERT_TRUE(get.ok()) << get.error_code() << ": " << get.error_message();
  EXPECT_TRUE(SameMessage(got, screening));

  // The preview is what Screen computed for the same intake.
  v1::ValidateIntakeResponse preview;
  ASSERT_TRUE(client_->Validate(intake, &preview).ok());
  EXPECT_TRUE(SameMessage(preview.preview(), screening.result()));
}

TEST_F(ScreeningServiceTest, RetriesAreIdempotentAndAReusedRequestIdIsRefused) {
  const v1::Intake intake = Sample(kVertebral);
  const v1::ScreenRequest request = ScreenRequestFor(intake, "req-retry-1");
  v1::Screening first;
  ASSERT_TRUE(client_->Screen(request, &first).ok());
  absl::SleepFor(absl::Milliseconds(2));  // a new create_time would differ now

  v1::Screening retried;
  ASSERT_TRUE(client_->Screen(request, &retried).ok());
  EXPECT_TRUE(SameMessage(retried, first));

  // Eight clients retrying at once, on a record that exists...
  constexpr int kThreads = 8;
  auto race = [&](const v1::ScreenRequest& racing, std::vector<v1::Screening>& answers,
                  std::vector<grpc::Status>& statuses) {
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        statuses[i] = client_->Screen(racing, &answers[i]);
      });
    }
    for (std::thread& thread : threads) thread.join();
  };
  std::vector<v1::Screening> answers(kThreads);
  std::vector<grpc::Status> statuses(kThreads);
  race(request, answers, statuses);
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
    EXPECT_TRUE(SameMessage(answers[i], first)) << i;
  }
  std::vector<v1::Screening> listed = client_->ListAll(intake.patient_id());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(SameMessage(listed[0], first));

  // ...and on one that does not exist yet: one of them creates it, the
  // others get what it stored.
  v1::Intake other = intake;
  other.set_patient_id("concurrent-first-01");
  const v1::ScreenRequest racing = ScreenRequestFor(other, "req-race-1");
  std::vector<v1::Screening> raced(kThreads);
  std::vector<grpc::Status> raced_statuses(kThreads);
  race(racing, raced, raced_statuses);
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_TRUE(raced_statuses[i].ok()) << i << ": " << raced_statuses[i].error_message();
    EXPECT_TRUE(SameMessage(raced[i], raced[0])) << i;
  }
  listed = client_->ListAll(other.patient_id());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(SameMessage(listed[0], raced[0]));

  // The same request_id for a different intake is a client error.
  v1::Intake changed = intake;
  changed.set_age_years(intake.age_years() + 1);
  v1::Screening refused;
  const grpc::Status status = client_->Screen(ScreenRequestFor(changed, "req-retry-1"), &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("request_id"));
  listed = client_->ListAll(intake.patient_id());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(SameMessage(listed[0], first));
  v1::Screening got;
  ASSERT_TRUE(client_->Get(first.name(), &got).ok());
  EXPECT_TRUE(SameMessage(got, first));
}

TEST_F(ScreeningServiceTest, BadInputIsInvalidArgumentNamingEveryFieldAndNothingIsStored) {
  v1::Intake intake = Sample(kOsteopenia);
  intake.set_patient_id("bad-input-01");
  intake.mutable_dxa()->mutable_sites(0)->set_t_score(40);
  intake.set_assessment_date(DayFromToday(5));
  intake.mutable_symptoms()->set_height_loss_cm(-0.5);
  intake.set_sex(static_cast<v1::Sex>(99));
  v1::Fracture* fracture = intake.add_fractures();
  fracture->set_site(v1::FRACTURE_SITE_WRIST);
  fracture->set_low_trauma(true);
  fracture->set_date("1901-06-01");  // the person is 58

  v1::Screening screening;
  const grpc::Status screened = client_->Screen(ScreenRequestFor(intake, "req-bad-1"), &screening);
  ASSERT_EQ(screened.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << screened.error_message();
  for (const char* field : {"intake.dxa.sites[0].t_score", "intake.symptoms.height_loss_cm",
                            "intake.sex", "intake.fractures[0].date", "intake.assessment_date"}) {
    EXPECT_THAT(screened.error_message(), HasSubstr(std::string(field) + ":")) << field;
  }
  EXPECT_TRUE(client_->ListAll(intake.patient_id()).empty());

  v1::ValidateIntakeResponse preview;
  const grpc::Status validated = client_->Validate(intake, &preview);
  EXPECT_EQ(validated.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(validated.error_message(), screened.error_message());

  const v1::Intake good = Sample(kOsteopenia);
  const grpc::Status no_id = client_->Screen(ScreenRequestFor(good, ""), &screening);
  EXPECT_EQ(no_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(no_id.error_message(), HasSubstr("request_id"));
  const grpc::Status bad_id = client_->Screen(ScreenRequestFor(good, "has spaces/and slash"), &screening);
  EXPECT_EQ(bad_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_id.error_message(), HasSubstr("request_id"));
  const grpc::Status no_intake = client_->Screen(v1::ScreenRequest(), &screening);
  EXPECT_EQ(no_intake.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(no_intake.error_message(), HasSubstr("intake"));
  EXPECT_TRUE(client_->ListAll(good.patient_id()).empty());

  for (const char* method : {"Screen", "GetScreening", "ListScreenings", "ValidateIntake"}) {
    const grpc::Status malformed = client_->SendRawBytes(std::string(kMethodPrefix) + method,
                                                         std::string("\xff\xff\xff\xff\x0f", 5));
    EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    EXPECT_THAT(malformed.error_message(), HasSubstr("request: not a valid")) << method;
  }
  // Still serving.
  EXPECT_EQ(client_->Health(""), HealthCheckResponse::SERVING);
  const grpc::Status after = client_->Validate(good, &preview);
  EXPECT_TRUE(after.ok()) << after.error_message();
}

TEST_F(ScreeningServiceTest, ValidateIntakePreviewsEverySampleAndStoresNothing) {
  std::vector<std::string> samples;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SampleIntakesDirectory())) {
    if (entry.path().extension() == ".json") samples.push_back(entry.path().filename().string());
  }
  std::sort(samples.begin(), samples.end());
  ASSERT_GE(samples.size(), 3u);

  for (const std::string& sample : samples) {
    SCOPED_TRACE(sample);
    const v1::Intake intake = Sample(sample);
    v1::ValidateIntakeResponse response;
    const grpc::Status status = client_->Validate(intake, &response);
    ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    ASSERT_TRUE(response.has_preview());
    EXPECT_NE(response.preview().outcome(), v1::OUTCOME_UNSPECIFIED);
    EXPECT_FALSE(response.preview().rule_set_version().empty());
  }

  v1::ValidateIntakeResponse vertebral;
  ASSERT_TRUE(client_->Validate(Sample(kVertebral), &vertebral).ok());
  EXPECT_EQ(vertebral.preview().outcome(), v1::OUTCOME_SUPERVISED_ONLY);
  // IMP-FALLS: walking stays, so the ceiling is low impact (up to brisk walking), not none.
  EXPECT_EQ(vertebral.preview().restrictions().impact_ceiling().level(), common::IMPACT_LEVEL_LOW);

  // IMP-CONTINUE: five years of running without pain or falls, with osteopenia.
  v1::ValidateIntakeResponse runner;
  ASSERT_TRUE(client_->Validate(Sample("osteopenia-runner.json"), &runner).ok());
  ASSERT_EQ(runner.preview().restrictions().continuations_size(), 1);
  EXPECT_EQ(runner.preview().restrictions().continuations(0).exercise(), "exercises/running");
  EXPECT_EQ(runner.preview().restrictions().continuations(0).rule().rule_id(), "IMP-CONTINUE");
  EXPECT_FALSE(runner.preview().restrictions().continuations(0).modification().empty());

  v1::ValidateIntakeResponse red_flag;
  ASSERT_TRUE(client_->Validate(Sample(kRedFlag), &red_flag).ok());
  EXPECT_EQ(red_flag.preview().outcome(), v1::OUTCOME_REFER);
  std::vector<std::string> red_flag_rules;
  for (const v1::RedFlag& flag : red_flag.preview().red_flags()) {
    red_flag_rules.push_back(flag.rule().rule_id());
  }
  EXPECT_THAT(red_flag_rules, ::testing::Contains("RF-CHEST"));

  for (const std::string& sample : samples) {
    EXPECT_TRUE(client_->ListAll(Sample(sample).patient_id()).empty()) << sample;
  }
}

TEST_F(ScreeningServiceTest, StoreOutageIsUnavailableAndNotReadyThenRecoversWithoutRestart) {
  ASSERT_TRUE(client_->WaitForReadiness(HealthCheckResponse::SERVING));
  const v1::Intake intake = Sample(kOsteopenia);
  v1::Screening before_kill;
  ASSERT_TRUE(client_->Screen(ScreenRequestFor(intake, "req-before-kill"), &before_kill).ok());

  store_->Kill();

  const v1::ScreenRequest during = ScreenRequestFor(intake, "req-during-outage");
  v1::Screening screening;
  const absl::Time sent = absl::Now();
  const grpc::Status screened = client_->Screen(during, &screening);
  EXPECT_EQ(screened.error_code(), grpc::StatusCode::UNAVAILABLE) << screened.error_message();
  EXPECT_LT(absl::Now() - sent, absl::Seconds(3)) << "an outage should fail fast";
  const grpc::Status got = client_->Get(before_kill.name(), &screening);
  EXPECT_EQ(got.error_code(), grpc::StatusCode::UNAVAILABLE) << got.error_message();
  v1::ListScreeningsResponse listed;
  const grpc::Status list = client_->List("patients/" + intake.patient_id(), 0, "", &listed);
  EXPECT_EQ(list.error_code(), grpc::StatusCode::UNAVAILABLE) << list.error_message();
  v1::ValidateIntakeResponse preview;
  const grpc::Status validated = client_->Validate(intake, &preview);
  EXPECT_TRUE(validated.ok()) << validated.error_message();

  EXPECT_TRUE(client_->WaitForReadiness(HealthCheckResponse::NOT_SERVING))
      << "readiness should report the store outage";
  EXPECT_EQ(client_->Health(""), HealthCheckResponse::SERVING) << "liveness must not follow the store";

  ASSERT_TRUE(store_->Restart().ok());
  EXPECT_TRUE(client_->WaitForReadiness(HealthCheckResponse::SERVING))
      << "readiness should return once the store is back";
  EXPECT_EQ(client_->Health(""), HealthCheckResponse::SERVING);

  // What was stored before the crash survived it; the failed call wrote nothing.
  std::vector<v1::Screening> all = client_->ListAll(intake.patient_id());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(SameMessage(all[0], before_kill));
  v1::Screening kept;
  const grpc::Status get_after = client_->Get(before_kill.name(), &kept);
  ASSERT_TRUE(get_after.ok()) << get_after.error_message();
  EXPECT_TRUE(SameMessage(kept, before_kill));

  const grpc::Status retried = client_->Screen(during, &screening);
  ASSERT_TRUE(retried.ok()) << retried.error_code() << ": " << retried.error_message();
  EXPECT_EQ(screening.request_id(), "req-during-outage");
  EXPECT_EQ(client_->ListAll(intake.patient_id()).size(), 2u);
}

TEST_F(ScreeningServiceTest, CallsSucceedOnceTheStoreIsBackEvenAfterAQuickRestart) {
  const v1::Intake intake = Sample(kOsteopenia);
  // Several calls at once leave several open connections to the store.
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  std::vector<grpc::Status> statuses(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      v1::Screening screening;
      start.arrive_and_wait();
      statuses[i] = client_->Screen(ScreenRequestFor(intake, absl::StrCat("req-fill-", i)), &screening);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const grpc::Status& status : statuses) ASSERT_TRUE(status.ok()) << status.error_message();

  // The store crashes and is back at once, between two readiness checks.
  ASSERT_TRUE(store_->Restart().ok());
  ASSERT_TRUE(client_->WaitForReadiness(HealthCheckResponse::SERVING));

  for (int i = 0; i < kThreads; ++i) {
    v1::Screening screening;
    const grpc::Status status =
        client_->Screen(ScreenRequestFor(intake, absl::StrCat("req-after-", i)), &screening);
    EXPECT_TRUE(status.ok()) << "call " << i << " after the store came back: "
                             << status.error_code() << ": " << status.error_message();
  }
  EXPECT_EQ(client_->ListAll(intake.patient_id()).size(), 2u * kThreads);
}

TEST_F(ScreeningServiceTest, ScreeningsSurviveARestartOfTheService) {
  const v1::Intake intake = Sample(kRedFlag);
  v1::Screening screening;
  ASSERT_TRUE(client_->Screen(ScreenRequestFor(intake, "req-survive-1"), &screening).ok());

  client_.reset();
  server_->Signal(SIGTERM);
  auto code = server_->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status() << "\n" << server_->Log();
  EXPECT_EQ(*code, 0);

  ASSERT_NO_FATAL_FAILURE(StartService());
  v1::Screening got;
  const grpc::Status status = client_->Get(screening.name(), &got);
  ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
  EXPECT_TRUE(SameMessage(got, screening));
  // A retry after the restart still finds the first attempt's record.
  v1::Screening retried;
  ASSERT_TRUE(client_->Screen(ScreenRequestFor(intake, "req-survive-1"), &retried).ok());
  EXPECT_TRUE(SameMessage(retried, screening));
}

TEST_F(ScreeningServiceTest, ListScreeningsPagesNewestFirstAndRejectsBadRequests) {
  const v1::Intake intake = Sample(kOsteopenia);
  const std::string parent = "patients/" + intake.patient_id();
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) {
    v1::Screening screening;
    const grpc::Status status =
        client_->Screen(ScreenRequestFor(intake, absl::StrCat("req-page-", i)), &screening);
    ASSERT_TRUE(status.ok()) << status.error_message();
    created.insert(screening.name());
  }
  ASSERT_EQ(created.size(), 5u);

  std::vector<int> page_sizes;
  std::vector<v1::Screening> listed;
  std::string token;
  std::string first_token;
  do {
    v1::ListScreeningsResponse response;
    const grpc::Status status = client_->List(parent, 2, token, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    page_sizes.push_back(response.screenings_size());
    listed.insert(listed.end(), response.screenings().begin(), response.screenings().end());
    token = response.next_page_token();
    if (first_token.empty()) first_token = token;
    ASSERT_LT(page_sizes.size(), 10u);
  } while (!token.empty());
  EXPECT_THAT(page_sizes, ::testing::ElementsAre(2, 2, 1));
  std::set<std::string> names;
  for (size_t i = 0; i < listed.size(); ++i) {
    EXPECT_TRUE(names.insert(listed[i].name()).second) << listed[i].name() << " listed twice";
    if (i > 0) {
      EXPECT_GT(TimeOf(listed[i - 1].create_time()), TimeOf(listed[i].create_time()))
          << "not newest first at " << i;
    }
  }
  EXPECT_EQ(names, created);
  ASSERT_FALSE(first_token.empty());

  v1::ListScreeningsResponse response;
  grpc::Status status = client_->List("patients/another-patient-02", 2, first_token, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
  status = client_->List(parent, 2, "not-a-token", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
  status = client_->List(parent, -1, "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_size"));
  status = client_->List("people/x", 0, "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("parent"));

  v1::Screening screening;
  status = client_->Get(parent + "/screenings/00000000000000000000", &screening);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  for (const std::string& malformed :
       {std::string("screenings/abc"), std::string(""), parent + "/screenings/a/b",
        std::string("patients/has space/screenings/abc")}) {
    status = client_->Get(malformed, &screening);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << malformed;
    EXPECT_THAT(status.error_message(), HasSubstr("name")) << malformed;
  }
}

TEST_F(ScreeningServiceTest, LogsHoldIdsAndMethodsButNoHealthData) {
  v1::Intake vertebral = Sample(kVertebral);
  vertebral.mutable_dxa()->mutable_sites(0)->set_t_score(-3.37);
  v1::Screening screening;
  ASSERT_TRUE(client_->Screen(ScreenRequestFor(vertebral, "req-log-1"), &screening).ok());
  ASSERT_TRUE(client_->Get(screening.name(), &screening).ok());
  const v1::Intake red_flag = Sample(kRedFlag);
  ASSERT_TRUE(client_->Screen(ScreenRequestFor(red_flag, "req-log-2"), &screening).ok());
  v1::ListScreeningsResponse listed;
  ASSERT_TRUE(client_->List("patients/" + red_flag.patient_id(), 0, "", &listed).ok());
  v1::Intake changed = red_flag;
  changed.set_age_years(red_flag.age_years() + 1);
  EXPECT_EQ(client_->Screen(ScreenRequestFor(changed, "req-log-2"), &screening).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  v1::Intake bad = red_flag;
  // Out of range, and negative: a timestamp or a duration in a log line
  // never reads "-8.642", so finding it is a leak, never a coincidence.
  bad.mutable_dxa()->mutable_sites(0)->set_t_score(-8.642);
  bad.mutable_symptoms()->set_height_loss_cm(-7.5);
  v1::ValidateIntakeResponse preview;
  EXPECT_EQ(client_->Validate(bad, &preview).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(client_->Screen(ScreenRequestFor(bad, "req-log-3"), &screening).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Stopping the service flushes every log line it has.
  client_.reset();
  server_->Signal(SIGTERM);
  auto code = server_->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  const std::string log = server_->Log();

  // Calls are logged, by method...
  EXPECT_THAT(log, HasSubstr(std::string(kMethodPrefix) + "Screen"));
  EXPECT_THAT(log, HasSubstr(std::string(kMethodPrefix) + "ValidateIntake"));
  EXPECT_THAT(log, HasSubstr("ALREADY_EXISTS"));
  // ...but nothing of what the intakes or their results say.
  for (const char* leak :
       {"-3.37", "-8.642", "-7.5", "tScore", "t_score", "heightLoss", "height_loss", "chestPain",
        "chest_pain", "chest pain", "RF-CHEST", "OUTCOME_", "SEX_", "FRACTURE_SITE", "2025-03-10",
        "hypertension", "POSTMENOPAUSAL", "IMPACT_LEVEL", "must be between"}) {
    EXPECT_THAT(log, Not(HasSubstr(leak))) << "the log leaks \"" << leak << "\":\n" << log;
  }
}

// Startup, with no fixture: each test makes the store it needs.

TEST(ScreeningServiceStartup, StartsWithoutTheStoreAndBecomesReadyWhenItComes) {
  // A store that is down at the service's start, on a port that is its own.
  auto store = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(store.ok()) << store.status();
  (*store)->Kill();

  auto server = testing::StartScreeningServer((*store)->port());
  ASSERT_TRUE(server.ok()) << server.status();
  Client client(**server);
  EXPECT_TRUE(client.WaitForReadiness(HealthCheckResponse::NOT_SERVING))
      << "readiness should report that the store is down; service log:\n"
      << (*server)->Log();
  // Readiness stays NOT_SERVING while the store is down, not just for a moment.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(client.Health(kScreeningService), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(client.Health(""), HealthCheckResponse::SERVING);

  auto sample = testing::LoadSampleIntake(kOsteopenia);
  ASSERT_TRUE(sample.ok()) << sample.status();
  const v1::Intake& intake = *sample;
  v1::ValidateIntakeResponse preview;
  const grpc::Status validated = client.Validate(intake, &preview);
  EXPECT_TRUE(validated.ok()) << validated.error_message();
  v1::Screening screening;
  const grpc::Status screened = client.Screen(ScreenRequestFor(intake, "req-late-store"), &screening);
  EXPECT_EQ(screened.error_code(), grpc::StatusCode::UNAVAILABLE) << screened.error_message();

  ASSERT_TRUE((*store)->Restart().ok());
  EXPECT_TRUE(client.WaitForReadiness(HealthCheckResponse::SERVING));
  const grpc::Status later = client.Screen(ScreenRequestFor(intake, "req-late-store"), &screening);
  EXPECT_TRUE(later.ok()) << later.error_code() << ": " << later.error_message();
}

TEST(ScreeningServiceStartup, AMissingRuleSetFileRefusesToStartNamingIt) {
  std::string missing = testing::NewTempPath("osteoflow-rules");
  std::filesystem::remove(missing);
  missing += "-missing.json";
  auto result = testing::RunToExit(
      testing::BinaryPath("services/screening/osteoflow-screening"),
      {"--listen_address=127.0.0.1:0", absl::StrCat("--store_address=127.0.0.1:", testing::PickFreePort()),
       "--rule_set_file=" + missing},
      {}, absl::Seconds(10));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3) << result->output;
  EXPECT_THAT(result->output, HasSubstr("refusing to start"));
  EXPECT_THAT(result->output, HasSubstr(missing));
}

TEST(ScreeningServiceStartup, InvalidStoreSettingsExitTwoNamingTheSetting) {
  testing::ExpectSettingsRefused(
      testing::BinaryPath("services/screening/osteoflow-screening"),
      {"--listen_address=127.0.0.1:0", "--rule_set_file=" + testing::ShippedRuleSetPath()},
      {{"--store_address=nonsense", "store_address"},
       {"--store_address=127.0.0.1:0", "store_address"},
       {"--store_check_interval=1ms", "store_check_interval"},
       {"--store_pool_size=0", "store_pool_size"},
       {"--store_command_timeout=1h", "store_command_timeout"}});
}

}  // namespace
}  // namespace osteoflow::screening

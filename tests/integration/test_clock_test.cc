// The test clock on the four real binaries: one AdvanceClock at progress
// moves every service's clock, a programme is taken through a week in
// seconds, and the setting is refused beside production settings and absent
// unless asked for.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "osteoflow/testing/v1/test_clock.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/enrolments.h"
#include "tests/support/progress_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/scheduling_server.h"
#include "tests/support/screening_server.h"
#include "tests/support/service_process.h"

namespace osteoflow {
namespace {

namespace clock_v1 = osteoflow::testing::v1;
namespace progress_v1 = osteoflow::progress::v1;
using google::protobuf::util::TimeUtil;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return context;
}

std::unique_ptr<clock_v1::TestClockService::Stub> ClockOf(const testing::ServiceProcess& service) {
  return clock_v1::TestClockService::NewStub(
      grpc::CreateChannel("ipv4:" + service.address(), grpc::InsecureChannelCredentials()));
}

absl::Duration OffsetOf(const testing::ServiceProcess& service) {
  clock_v1::SuiteTime time;
  const grpc::Status status = ClockOf(service)->GetClock(Context().get(), {}, &time);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return absl::Microseconds(TimeUtil::DurationToMicroseconds(time.offset()));
}

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

class TestClockSuite : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = testing::RedisServer::Start({.durable = true});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto cache = testing::RedisServer::Start();
    ASSERT_TRUE(cache.ok()) << cache.status();
    cache_ = *std::move(cache);
    const std::vector<std::string> clock = {"--test_clock=true"};
    auto catalog = testing::StartCatalogServer(clock);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = *std::move(catalog);
    auto screening = testing::StartScreeningServer(store_->port(), clock);
    ASSERT_TRUE(screening.ok()) << screening.status();
    screening_ = *std::move(screening);
    auto scheduling =
        testing::StartSchedulingServer(catalog_->address(), screening_->address(), cache_->port(), clock);
    ASSERT_TRUE(scheduling.ok()) << scheduling.status();
    scheduling_ = *std::move(scheduling);
    auto progress =
        testing::StartProgressServer(store_->port(), screening_->address(), scheduling_->address(), clock);
    ASSERT_TRUE(progress.ok()) << progress.status();
    progress_ = *std::move(progress);
    stub_ = progress_v1::ProgressService::NewStub(
        grpc::CreateChannel("ipv4:" + progress_->address(), grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<testing::RedisServer> store_;
  std::unique_ptr<testing::RedisServer> cache_;
  std::unique_ptr<testing::ServiceProcess> catalog_, screening_, scheduling_, progress_;
  std::unique_ptr<progress_v1::ProgressService::Stub> stub_;
};

TEST_F(TestClockSuite, OneAdvanceAtProgressMovesAllFourAndAWeekPassesInSeconds) {
  // A programme starting next Monday: all of week 1 is in the future.
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  absl::CivilDay monday = today + 1;
  while (absl::GetWeekday(monday) != absl::Weekday::monday) ++monday;
  auto intake = testing::LoadSampleIntake("osteopenia-no-fractures.json");
  ASSERT_TRUE(intake.ok()) << intake.status();
  progress_v1::EnrollRequest enrol = testing::ThreeDayEnrolment(*intake, "clock-patient", "clock-enrol");
  enrol.set_start_date(Day(monday));
  progress_v1::Program program;
  grpc::Status status = stub_->Enroll(Context().get(), enrol, &program);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(program.week_index(), 1);

  progress_v1::LogSessionRequest log;
  log.set_program(program.name());
  log.set_request_id("clock-log-1");
  log.mutable_session()->set_date(Day(monday));
  progress_v1::SessionLog logged;
  status = stub_->LogSession(Context().get(), log, &logged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "a log dated after today is refused";

  // One call moves every clock, by passing the move on to the peers.
  clock_v1::AdvanceClockRequest advance;
  *advance.mutable_by() = TimeUtil::SecondsToDuration(14 * 24 * 3600);
  clock_v1::SuiteTime moved;
  status = ClockOf(*progress_)->AdvanceClock(Context().get(), advance, &moved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(std::vector<std::string>(moved.moved().begin(), moved.moved().end()),
            (std::vector<std::string>{"progress", "screening", "scheduling", "catalog"}));
  const absl::Duration progress_offset = OffsetOf(*progress_);
  EXPECT_GE(progress_offset, absl::Hours(14 * 24) - absl::Seconds(1));
  for (const testing::ServiceProcess* service : {catalog_.get(), screening_.get(), scheduling_.get()}) {
    EXPECT_LT(absl::AbsDuration(OffsetOf(*service) - progress_offset), absl::Seconds(1)) << service->address();
  }

  status = stub_->LogSession(Context().get(), log, &logged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  progress_v1::AdvanceWeekRequest next;
  next.set_program(program.name());
  next.set_request_id("clock-advance-1");
  progress_v1::Program advanced;
  status = stub_->AdvanceWeek(Context().get(), next, &advanced);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(advanced.week_index(), 2);

  // The clock only goes forward.
  clock_v1::SetClockRequest back;
  *back.mutable_time() = TimeUtil::GetCurrentTime();
  clock_v1::SuiteTime refused;
  status = ClockOf(*progress_)->SetClock(Context().get(), back, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  clock_v1::AdvanceClockRequest empty;
  status = ClockOf(*progress_)->AdvanceClock(Context().get(), empty, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "by: required");
}

TEST(TestClock, NotServedUnlessAskedForAndRefusedBesideProductionSettings) {
  auto catalog = testing::StartCatalogServer();
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  clock_v1::SuiteTime time;
  const grpc::Status status = ClockOf(**catalog)->GetClock(Context().get(), {}, &time);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);

  const std::string nowhere = absl::StrCat("127.0.0.1:", testing::PickFreePort());
  testing::ExpectSettingsRefused(
      testing::BinaryPath("services/catalog/osteoflow-catalog"),
      {"--listen_address=127.0.0.1:0", "--plaintext=true", "--auth=off", "--test_clock=true",
       std::string("--catalog_file=") + OSTEOFLOW_SOURCE_DIR + "/services/catalog/data/catalog.json"},
      {{"--reflection=false", "test_clock"}});
  testing::ExpectSettingsRefused(
      testing::BinaryPath("services/screening/osteoflow-screening"),
      {"--listen_address=127.0.0.1:0", "--plaintext=true", "--auth=off", "--test_clock=true",
       "--store_address=" + nowhere, "--rule_set_file=" + testing::ShippedRuleSetPath()},
      {{"--store_wait_replicas=1", "test_clock"},
       {"--store_address=redis-sentinel://" + nowhere + "/store", "test_clock"}});
}

}  // namespace
}  // namespace osteoflow

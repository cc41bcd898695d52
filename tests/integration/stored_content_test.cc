// What a caller can leave in the stores, on the real suite: fields the
// contracts do not declare are dropped at every depth of every write (never
// stored, cached or served back), and a refused write leaves the store
// exactly as it was.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.grpc.pb.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"
#include "tests/support/local_suite.h"
#include "tests/support/screening_server.h"
#include "tests/support/store_contents.h"

namespace osteoflow {
namespace {

namespace progress_v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

// Hidden in every message below; big enough that keeping it would show.
const std::string& Marker() {
  static const std::string* marker = new std::string("hidden-field-" + std::string(4000, 'z'));
  return *marker;
}

// Fields 9999 (bytes) and 9998 (a number) added to `message`, as a newer or
// hostile client would send them.
void Hide(google::protobuf::Message* message) {
  google::protobuf::UnknownFieldSet* unknown = message->GetReflection()->MutableUnknownFields(message);
  unknown->AddLengthDelimited(9999, Marker());
  unknown->AddVarint(9998, 424242);
}

// The first exercise the week plans. The week starts on the day the test
// runs, which may be one with nothing planned.
std::string FirstPlannedExercise(const scheduling_v1::WeeklyPlan& plan) {
  for (const scheduling_v1::PlanDay& day : plan.days()) {
    for (const scheduling_v1::PlanSession& session : day.sessions()) {
      if (session.items_size() > 0) return session.items(0).exercise();
    }
  }
  ADD_FAILURE() << "the plan has no item";
  return "";
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(15)));
  return context;
}

scheduling_v1::Preferences Preferences() {
  scheduling_v1::Preferences preferences;
  for (const auto day : {scheduling_v1::WEEKDAY_MONDAY, scheduling_v1::WEEKDAY_WEDNESDAY,
                         scheduling_v1::WEEKDAY_FRIDAY}) {
    preferences.add_available_days(day);
  }
  preferences.set_minutes_per_day(45);
  return preferences;
}

class StoredContentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto suite = testing::LocalSuite::Start();
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = *std::move(suite);
    progress_ = progress_v1::ProgressService::NewStub(
        grpc::CreateChannel(suite_->progress->address(), grpc::InsecureChannelCredentials()));
    screening_ = screening_v1::ScreeningService::NewStub(
        grpc::CreateChannel(suite_->screening->address(), grpc::InsecureChannelCredentials()));
    scheduling_ = scheduling_v1::SchedulingService::NewStub(
        grpc::CreateChannel(suite_->scheduling->address(), grpc::InsecureChannelCredentials()));
  }

  static screening_v1::Intake Intake(const std::string& patient) {
    absl::StatusOr<screening_v1::Intake> intake = testing::LoadSampleIntake("osteopenia-no-fractures.json");
    EXPECT_TRUE(intake.ok()) << intake.status();
    screening_v1::Intake result = intake.ok() ? *intake : screening_v1::Intake();
    result.set_patient_id(patient);
    return result;
  }

  progress_v1::EnrollRequest Enrolment(const std::string& patient, const std::string& request_id) {
    progress_v1::EnrollRequest request;
    request.set_request_id(request_id);
    *request.mutable_intake() = Intake(patient);
    *request.mutable_preferences() = Preferences();
    request.set_start_date(absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())));
    return request;
  }

  // Every key of the store (or the cache) whose content holds the marker.
  static std::vector<std::string> KeysWithTheMarker(int port) {
    absl::StatusOr<std::map<std::string, std::string>> contents = testing::StoreContents(port);
    EXPECT_TRUE(contents.ok()) << contents.status();
    std::vector<std::string> keys;
    if (!contents.ok()) return keys;
    for (const auto& [key, value] : *contents) {
      if (absl::StrContains(value, Marker()) || absl::StrContains(value, "hidden-field-")) keys.push_back(key);
    }
    return keys;
  }

  std::map<std::string, std::string> Store() {
    absl::StatusOr<std::map<std::string, std::string>> contents = testing::StoreContents(suite_->store->port());
    EXPECT_TRUE(contents.ok()) << contents.status();
    return contents.ok() ? *std::move(contents) : std::map<std::string, std::string>();
  }

  std::unique_ptr<testing::LocalSuite> suite_;
  std::unique_ptr<progress_v1::ProgressService::Stub> progress_;
  std::unique_ptr<screening_v1::ScreeningService::Stub> screening_;
  std::unique_ptr<scheduling_v1::SchedulingService::Stub> scheduling_;
};

TEST_F(StoredContentTest, FieldsNoContractDeclaresAreNeitherStoredNorServedBack) {
  // Enrol, with fields hidden in the request, the intake and its parts, and
  // the preferences.
  progress_v1::EnrollRequest enrol = Enrolment("hidden-1", "enrol-hidden-1");
  Hide(&enrol);
  Hide(enrol.mutable_intake());
  Hide(enrol.mutable_intake()->mutable_dxa());
  Hide(enrol.mutable_intake()->mutable_dxa()->mutable_sites(0));
  Hide(enrol.mutable_intake()->mutable_symptoms());
  Hide(enrol.mutable_preferences());
  progress_v1::Program program;
  grpc::Status status = progress_->Enroll(Context().get(), enrol, &program);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(program.state(), progress_v1::PROGRAM_STATE_ACTIVE);
  EXPECT_FALSE(absl::StrContains(program.SerializeAsString(), "hidden-field-"));

  // A session log with fields hidden in it, its items and its fall.
  progress_v1::LogSessionRequest log;
  log.set_program(program.name());
  log.set_request_id("log-hidden-1");
  log.mutable_session()->set_date(program.start_date());
  progress_v1::ItemLog* item = log.mutable_session()->add_items();
  item->set_exercise(FirstPlannedExercise(program.current_plan()));
  item->set_minutes(10);
  Hide(&log);
  Hide(log.mutable_session());
  Hide(item);
  Hide(log.mutable_session()->mutable_fall());
  Hide(log.mutable_session()->mutable_soreness());
  progress_v1::SessionLog logged;
  status = progress_->LogSession(Context().get(), log, &logged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(absl::StrContains(logged.SerializeAsString(), "hidden-field-"));

  // A measurement, with fields hidden in it and its scan.
  progress_v1::RecordMeasurementRequest measure;
  measure.set_program(program.name());
  measure.set_request_id("measure-hidden-1");
  measure.mutable_measurement()->set_date(program.start_date());
  measure.mutable_measurement()->set_weight_kg(64);
  Hide(&measure);
  Hide(measure.mutable_measurement());
  Hide(measure.mutable_measurement()->mutable_functional_tests());
  progress_v1::Measurement measured;
  status = progress_->RecordMeasurement(Context().get(), measure, &measured);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(absl::StrContains(measured.SerializeAsString(), "hidden-field-"));

  // A fall pauses the programme; a clinician resumes it.
  progress_v1::LogSessionRequest fall = log;
  fall.set_request_id("log-fall-1");
  fall.mutable_session()->mutable_fall()->set_fell(true);
  fall.mutable_session()->clear_items();
  status = progress_->LogSession(Context().get(), fall, &logged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  progress_v1::ResumeProgramRequest resume;
  resume.set_program(program.name());
  resume.set_request_id("resume-hidden-1");
  resume.set_cleared_by("clinician-1");
  *resume.mutable_clear_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  Hide(&resume);
  Hide(resume.mutable_clear_time());
  progress_v1::Program resumed;
  status = progress_->ResumeProgram(Context().get(), resume, &resumed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(absl::StrContains(resumed.SerializeAsString(), "hidden-field-"));

  // Advancing the week.
  progress_v1::AdvanceWeekRequest advance;
  advance.set_program(program.name());
  advance.set_request_id("advance-hidden-1");
  Hide(&advance);
  progress_v1::Program advanced;
  status = progress_->AdvanceWeek(Context().get(), advance, &advanced);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(absl::StrContains(advanced.SerializeAsString(), "hidden-field-"));
  // Screening and planning called directly.
  screening_v1::ScreenRequest screen;
  screen.set_request_id("screen-hidden-1");
  *screen.mutable_intake() = Intake("hidden-2");
  Hide(&screen);
  Hide(screen.mutable_intake());
  Hide(screen.mutable_intake()->mutable_recent_history());
  screening_v1::Screening screening;
  status = screening_->Screen(Context().get(), screen, &screening);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(absl::StrContains(screening.SerializeAsString(), "hidden-field-"));
  scheduling_v1::BuildWeeklyPlanRequest plan_request;
  plan_request.set_screening(screening.name());
  *plan_request.mutable_preferences() = Preferences();
  plan_request.set_week_start_date("2026-11-23");
  plan_request.set_week_index(1);
  Hide(&plan_request);
  Hide(plan_request.mutable_preferences());
  scheduling_v1::WeeklyPlan plan;
  status = scheduling_->BuildWeeklyPlan(Context().get(), plan_request, &plan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(absl::StrContains(plan.SerializeAsString(), "hidden-field-"));

  // Nothing hidden reached the store or the cache, and what is served back
  // is only what the contract declares.
  EXPECT_THAT(KeysWithTheMarker(suite_->store->port()), ::testing::IsEmpty());
  EXPECT_THAT(KeysWithTheMarker(suite_->cache->port()), ::testing::IsEmpty());
  progress_v1::GetProgramRequest get;
  get.set_name(program.name());
  progress_v1::Program read;
  ASSERT_TRUE(progress_->GetProgram(Context().get(), get, &read).ok());
  EXPECT_FALSE(absl::StrContains(read.SerializeAsString(), "hidden-field-"));
}

// Each way a write can be refused, on each write method, leaves every key of
// the store byte for byte as it was.
TEST_F(StoredContentTest, ARefusedWriteLeavesTheStoreAsItWas) {
  progress_v1::Program program;
  ASSERT_TRUE(progress_->Enroll(Context().get(), Enrolment("refused-1", "enrol-refused-1"), &program).ok());
  const std::string exercise = FirstPlannedExercise(program.current_plan());
  auto log = [&](const std::string& request_id) {
    progress_v1::LogSessionRequest request;
    request.set_program(program.name());
    request.set_request_id(request_id);
    request.mutable_session()->set_date(program.start_date());
    progress_v1::ItemLog* item = request.mutable_session()->add_items();
    item->set_exercise(exercise);
    item->set_minutes(10);
    return request;
  };
  auto measure = [&](const std::string& request_id) {
    progress_v1::RecordMeasurementRequest request;
    request.set_program(program.name());
    request.set_request_id(request_id);
    request.mutable_measurement()->set_date(program.start_date());
    request.mutable_measurement()->set_weight_kg(64);
    return request;
  };
  struct Refusal {
    std::string what;
    std::function<grpc::Status()> call;
  };
  auto enrol = [&](std::function<void(progress_v1::EnrollRequest&)> spoil) {
    return [this, spoil] {
      progress_v1::EnrollRequest request = Enrolment("refused-2", "enrol-refused-2");
      spoil(request);
      progress_v1::Program ignored;
      return progress_->Enroll(Context().get(), request, &ignored);
    };
  };
  auto log_with = [&](std::function<void(progress_v1::LogSessionRequest&)> spoil) {
    return [this, spoil, log] {
      progress_v1::LogSessionRequest request = log("log-refused-1");
      spoil(request);
      progress_v1::SessionLog ignored;
      return progress_->LogSession(Context().get(), request, &ignored);
    };
  };
  auto measure_with = [&](std::function<void(progress_v1::RecordMeasurementRequest&)> spoil) {
    return [this, spoil, measure] {
      progress_v1::RecordMeasurementRequest request = measure("measure-refused-1");
      spoil(request);
      progress_v1::Measurement ignored;
      return progress_->RecordMeasurement(Context().get(), request, &ignored);
    };
  };
  const std::vector<Refusal> refusals = {
      {"enrol: too few minutes", enrol([](auto& r) { r.mutable_preferences()->set_minutes_per_day(5); })},
      {"enrol: an enjoyed exercise the catalog does not have",
       enrol([](auto& r) { r.mutable_preferences()->add_enjoyed_exercises("exercises/no-such-thing"); })},
      {"enrol: no available day", enrol([](auto& r) { r.mutable_preferences()->clear_available_days(); })},
      {"enrol: a T-score of 40",
       enrol([](auto& r) { r.mutable_intake()->mutable_dxa()->mutable_sites(0)->set_t_score(40); })},
      {"enrol: no start date", enrol([](auto& r) { r.clear_start_date(); })},
      {"enrol: no preferences", enrol([](auto& r) { r.clear_preferences(); })},
      {"log: an exercise not planned",
       log_with([](auto& r) { r.mutable_session()->mutable_items(0)->set_exercise("exercises/elsewhere"); })},
      {"log: pain 11", log_with([](auto& r) { r.mutable_session()->mutable_items(0)->set_pain(11); })},
      {"log: a date before the programme", log_with([](auto& r) { r.mutable_session()->set_date("2020-01-01"); })},
      {"log: another patient's programme",
       log_with([](auto& r) { r.set_program(absl::StrReplaceAll(r.program(), {{"refused-1", "refused-9"}})); })},
      {"measure: a height of 50 cm",
       measure_with([](auto& r) { r.mutable_measurement()->set_height_cm(50); })},
      {"measure: no measurement", measure_with([](auto& r) { r.clear_measurement(); })},
      {"advance: no request id",
       [&] {
         progress_v1::AdvanceWeekRequest request;
         request.set_program(program.name());
         progress_v1::Program ignored;
         return progress_->AdvanceWeek(Context().get(), request, &ignored);
       }},
      {"resume: a programme that is not paused",
       [&] {
         progress_v1::ResumeProgramRequest request;
         request.set_program(program.name());
         request.set_request_id("resume-refused-1");
         request.set_cleared_by("clinician-1");
         *request.mutable_clear_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
         progress_v1::Program ignored;
         return progress_->ResumeProgram(Context().get(), request, &ignored);
       }},
      {"screen: an intake without a patient",
       [&] {
         screening_v1::ScreenRequest request;
         request.set_request_id("screen-refused-1");
         *request.mutable_intake() = Intake("");
         screening_v1::Screening ignored;
         return screening_->Screen(Context().get(), request, &ignored);
       }},
  };
  const std::map<std::string, std::string> before = Store();
  ASSERT_FALSE(before.empty());
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.what);
    const grpc::Status status = refusal.call();
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_NE(status.error_code(), grpc::StatusCode::INTERNAL) << status.error_message();
    const std::map<std::string, std::string> after = Store();
    EXPECT_EQ(after.size(), before.size());
    EXPECT_TRUE(after == before) << "the store changed";
  }
}

}  // namespace
}  // namespace osteoflow

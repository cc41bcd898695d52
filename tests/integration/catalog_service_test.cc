// The real catalog binary, every RPC over a real channel.
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/restrictions.h"

namespace osteoflow::catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
namespace common = osteoflow::common::v1;

class CatalogServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::StartCatalogServer();
    if (!started.ok()) {
      start_error_ = new std::string(started.status().ToString());
      return;
    }
    server_ = started->release();
    stub_ = v1::CatalogService::NewStub(
              grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()))
              .release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
    delete start_error_;
    stub_ = nullptr;
    server_ = nullptr;
    start_error_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr) << *start_error_; }

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return context;
  }

  static testing::ServiceProcess* server_;
  static v1::CatalogService::Stub* stub_;
  static std::string* start_error_;
};
testing::ServiceProcess* CatalogServiceTest::server_ = nullptr;
v1::CatalogService::Stub* CatalogServiceTest::stub_ = nullptr;
std::string* CatalogServiceTest::start_error_ = nullptr;

TEST_F(CatalogServiceTest, GetCatalogInfo) {
  v1::CatalogInfo info;
  ASSERT_TRUE(stub_->GetCatalogInfo(Context().get(), {}, &info).ok());
  EXPECT_FALSE(info.version().empty());
  EXPECT_GE(info.exercise_count(), 80);
  EXPECT_THAT(info.content_digest(), MatchesRegex("sha256:[0-9a-f]{64}"));
}

TEST_F(CatalogServiceTest, GetExercise) {
  v1::GetExerciseRequest request;
  request.set_name("exercises/sit-up");
  v1::Exercise exercise;
  ASSERT_TRUE(stub_->GetExercise(Context().get(), request, &exercise).ok());
  EXPECT_EQ(exercise.name(), "exercises/sit-up");
  EXPECT_EQ(exercise.id(), "sit-up");
  EXPECT_FALSE(exercise.safer_alternative_id().empty());
}

TEST_F(CatalogServiceTest, GetExerciseErrors) {
  v1::GetExerciseRequest request;
  v1::Exercise exercise;
  request.set_name("exercises/moonwalk");
  grpc::Status status = stub_->GetExercise(Context().get(), request, &exercise);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  request.set_name("sit-up");
  status = stub_->GetExercise(Context().get(), request, &exercise);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("name"));
}

TEST_F(CatalogServiceTest, ListExercisesWalksEveryPageOnce) {
  v1::CatalogInfo info;
  ASSERT_TRUE(stub_->GetCatalogInfo(Context().get(), {}, &info).ok());
  v1::ListExercisesRequest request;
  request.set_page_size(30);
  std::set<std::string> seen;
  int pages = 0;
  do {
    v1::ListExercisesResponse response;
    ASSERT_TRUE(stub_->ListExercises(Context().get(), request, &response).ok());
    EXPECT_EQ(response.total_size(), info.exercise_count());
    for (const auto& exercise : response.exercises()) {
      EXPECT_TRUE(seen.insert(exercise.id()).second) << exercise.id() << " listed twice";
    }
    request.set_page_token(response.next_page_token());
    ASSERT_LT(++pages, 100);
  } while (!request.page_token().empty());
  EXPECT_EQ(static_cast<int>(seen.size()), info.exercise_count());
}

TEST_F(CatalogServiceTest, ListExercisesFiltersAndRejectsAForeignToken) {
  v1::ListExercisesRequest request;
  request.set_weight_bearing_only(true);
  request.set_max_impact_level(common::IMPACT_LEVEL_LOW);
  request.add_exclude_safety_tags(common::SAFETY_TAG_AVOID_FLEXION);
  request.set_page_size(5);
  v1::ListExercisesResponse response;
  ASSERT_TRUE(stub_->ListExercises(Context().get(), request, &response).ok());
  ASSERT_EQ(response.exercises_size(), 5);
  for (const auto& exercise : response.exercises()) {
    EXPECT_TRUE(exercise.weight_bearing()) << exercise.id();
    EXPECT_LE(exercise.impact_level(), common::IMPACT_LEVEL_LOW) << exercise.id();
    EXPECT_THAT(exercise.safety_tags(), ::testing::Not(::testing::Contains(common::SAFETY_TAG_AVOID_FLEXION)))
        << exercise.id();
  }
  request.set_page_token(response.next_page_token());
  request.set_weight_bearing_only(false);
  const grpc::Status status = stub_->ListExercises(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));

  v1::ListExercisesRequest negative;
  negative.set_page_size(-3);
  EXPECT_EQ(stub_->ListExercises(Context().get(), negative, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CatalogServiceTest, EvaluateActivity) {
  v1::EvaluateActivityRequest request;
  *request.mutable_restrictions() = testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  request.set_exercise("exercises/sit-up");
  v1::EvaluateActivityResponse response;
  ASSERT_TRUE(stub_->EvaluateActivity(Context().get(), request, &response).ok());
  EXPECT_EQ(response.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_EQ(response.safer_alternative().movement_pattern(), v1::MOVEMENT_PATTERN_HINGE);
}

TEST_F(CatalogServiceTest, EvaluateActivityNamesBadFields) {
  v1::EvaluateActivityRequest request;
  request.set_exercise("exercises/sit-up");
  v1::EvaluateActivityResponse response;
  grpc::Status status = stub_->EvaluateActivity(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("restrictions"));

  request.mutable_restrictions()->mutable_impact_ceiling()->set_level(common::IMPACT_LEVEL_LOW);
  status = stub_->EvaluateActivity(Context().get(), request, &response);
  EXPECT_THAT(status.error_message(), HasSubstr("restrictions.impact_ceiling.rules"));

  *request.mutable_restrictions() = testing::MakeRestrictions(common::IMPACT_LEVEL_LOW, "IMP-VF");
  request.set_exercise("");
  status = stub_->EvaluateActivity(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("exercise"));
}

// IMP-CONTINUE over the wire: a runner with osteopenia whose screening
// continues her running, and the same restrictions without it.
TEST_F(CatalogServiceTest, EvaluateActivityHonoursAContinuation) {
  v1::EvaluateActivityRequest request;
  *request.mutable_restrictions() = testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  request.set_exercise("exercises/running");
  v1::EvaluateActivityResponse new_starter;
  ASSERT_TRUE(stub_->EvaluateActivity(Context().get(), request, &new_starter).ok());
  EXPECT_EQ(new_starter.verdict(), v1::VERDICT_NOT_RECOMMENDED);
  EXPECT_EQ(new_starter.safer_alternative().id(), "jogging");

  *request.mutable_restrictions()->add_continuations() =
      testing::Continuation("exercises/running", common::IMPACT_LEVEL_HIGH);
  v1::EvaluateActivityResponse runner;
  ASSERT_TRUE(stub_->EvaluateActivity(Context().get(), request, &runner).ok());
  EXPECT_EQ(runner.verdict(), v1::VERDICT_ALLOWED_WITH_MODIFICATION);
  std::set<std::string> rules;
  for (const v1::Finding& finding : runner.findings()) rules.insert(finding.rule().rule_id());
  EXPECT_TRUE(rules.contains("IMP-CONTINUE"));
  EXPECT_TRUE(rules.contains("IMP-LOWBONE"));
  ASSERT_EQ(runner.modifications_size(), 1);
  EXPECT_EQ(runner.modifications(0), request.restrictions().continuations(0).modification());
  EXPECT_FALSE(runner.has_safer_alternative());
  EXPECT_TRUE(runner.has_dose());

  // It is the runner's own activity, not a licence for the rest of the catalog.
  request.set_exercise("exercises/jumping-rope");
  v1::EvaluateActivityResponse other;
  ASSERT_TRUE(stub_->EvaluateActivity(Context().get(), request, &other).ok());
  EXPECT_EQ(other.verdict(), v1::VERDICT_NOT_RECOMMENDED);
}

TEST_F(CatalogServiceTest, EvaluateActivityRefusesContinuationsTheRuleCannotGive) {
  v1::EvaluateActivityRequest request;
  request.set_exercise("exercises/headstand");
  *request.mutable_restrictions() = testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  *request.mutable_restrictions()->add_continuations() = testing::Continuation(
      "exercises/headstand", common::IMPACT_LEVEL_HIGH, {common::SAFETY_TAG_AVOID_NECK});
  v1::EvaluateActivityResponse response;
  grpc::Status status = stub_->EvaluateActivity(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("restrictions.continuations[0].lifted_tags[0]"));

  // A vertebral fracture's ceiling: IMP-CONTINUE never applies.
  *request.mutable_restrictions() = testing::LowBoneRestrictions(common::IMPACT_LEVEL_LOW, "IMP-VF");
  *request.mutable_restrictions()->add_continuations() =
      testing::Continuation("exercises/running", common::IMPACT_LEVEL_HIGH);
  request.set_exercise("exercises/running");
  status = stub_->EvaluateActivity(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("restrictions.continuations: IMP-CONTINUE does not apply"));
}

TEST_F(CatalogServiceTest, RequestIdIsEchoedOrGenerated) {
  v1::CatalogInfo info;
  auto with_id = Context();
  with_id->AddMetadata("x-request-id", "harness-42");
  ASSERT_TRUE(stub_->GetCatalogInfo(with_id.get(), {}, &info).ok());
  auto echoed = with_id->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, with_id->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "harness-42");

  auto without_id = Context();
  ASSERT_TRUE(stub_->GetCatalogInfo(without_id.get(), {}, &info).ok());
  auto generated = without_id->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(generated, without_id->GetServerInitialMetadata().end());
  EXPECT_THAT(std::string(generated->second.data(), generated->second.size()),
              MatchesRegex("[0-9a-f]{32}"));
}

TEST_F(CatalogServiceTest, ErrorsCarryTheRequestIdToo) {
  v1::Exercise exercise;
  auto context = Context();
  context->AddMetadata("x-request-id", "harness-error-1");
  v1::GetExerciseRequest request;
  request.set_name("exercises/none-such");
  ASSERT_EQ(stub_->GetExercise(context.get(), request, &exercise).error_code(),
            grpc::StatusCode::NOT_FOUND);
  const auto& metadata = context->GetServerInitialMetadata();
  const auto echoed = metadata.find("x-request-id");
  ASSERT_NE(echoed, metadata.end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "harness-error-1");
}

TEST_F(CatalogServiceTest, AccessLogHasOneLinePerCallAndNoRequestBody) {
  v1::GetExerciseRequest request;
  request.set_name("exercises/private-marker-7781");
  v1::Exercise exercise;
  auto context = Context();
  context->AddMetadata("x-request-id", "log-check-1");
  stub_->GetExercise(context.get(), request, &exercise);
  // Access lines are written in batches every 100 ms.
  std::vector<std::string> lines;
  for (int attempt = 0; attempt < 100 && lines.empty(); ++attempt) {
    for (const absl::string_view candidate : absl::StrSplit(server_->Log(), '\n')) {
      if (absl::StrContains(candidate, "log-check-1")) lines.emplace_back(candidate);
    }
    if (lines.empty()) absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(lines.size(), 1u) << server_->Log();
  const std::string& line = lines.front();
  google::protobuf::Struct fields;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &fields).ok()) << line;
  const auto& map = fields.fields();
  EXPECT_EQ(map.at("method").string_value(), "/osteoflow.catalog.v1.CatalogService/GetExercise");
  EXPECT_EQ(map.at("code").string_value(), "NOT_FOUND");
  EXPECT_EQ(map.at("request_id").string_value(), "log-check-1");
  EXPECT_TRUE(map.contains("latency_us"));
  EXPECT_TRUE(map.contains("ts"));
  EXPECT_THAT(server_->Log(), ::testing::Not(HasSubstr("private-marker-7781")));
}

}  // namespace
}  // namespace osteoflow::catalog

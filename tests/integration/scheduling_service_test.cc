// The real scheduling binary over real gRPC channels, with the real catalog
// and screening binaries as its peers and a real redis-server as its cache:
// cache-aside and single flight seen from outside, fail-open through a cache
// crash, catalog changes and outages, bad input, startup refusals and what
// the log holds.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "osteoflow/catalog/v1/catalog_document.pb.h"
#include "osteoflow/scheduling/v1/plan_rules.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.grpc.pb.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/raw_call.h"
#include "tests/support/redis_server.h"
#include "tests/support/restrictions.h"
#include "tests/support/scheduling_server.h"
#include "tests/support/screening_server.h"
#include "tests/support/service_process.h"
#include "tests/support/test_catalog.h"

namespace osteoflow::scheduling {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
namespace common = osteoflow::common::v1;
namespace screening_v1 = osteoflow::screening::v1;

constexpr char kSchedulingService[] = "osteoflow.scheduling.v1.SchedulingService";
constexpr char kBuildMethod[] = "/osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan";
constexpr char kGetMethod[] = "/osteoflow.scheduling.v1.SchedulingService/GetWeeklyPlan";
constexpr char kOsteopenia[] = "osteopenia-no-fractures.json";
constexpr char kVertebral[] = "osteoporosis-vertebral-fracture-two-falls.json";
constexpr char kRedFlag[] = "red-flag-chest-pain.json";
constexpr char kKeyPrefix[] = "osteoflow:v1:plan:";
// Readiness is checked every 100ms; a reconnecting channel may add its
// backoff on top.
constexpr absl::Duration kReadinessTimeout = absl::Seconds(10);
// Cache reports come every 50ms.
constexpr absl::Duration kReportTimeout = absl::Seconds(5);

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(10)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), ": ", status.error_message());
}

// A unary call with the request and the answer in wire form: the bytes the
// server sent, not a re-serialisation of them.

// A channel to one scheduling process and what the tests say over it.
class Client {
 public:
  explicit Client(const testing::ServiceProcess& server)
      : channel_(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials())),
        generic_(channel_),
        health_(grpc::health::v1::Health::NewStub(channel_)) {}

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // The plan in wire form, and parsed when `plan` is given.
  grpc::Status Build(const v1::BuildWeeklyPlanRequest& request, std::string* bytes,
                     v1::WeeklyPlan* plan = nullptr) {
    const grpc::Status status = testing::CallRawBytes(generic_, kBuildMethod, request.SerializeAsString(), bytes);
    if (status.ok() && plan != nullptr && !plan->ParseFromString(*bytes)) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "the answer is not a WeeklyPlan");
    }
    return status;
  }

  grpc::Status Get(const std::string& name, std::string* bytes) {
    v1::GetWeeklyPlanRequest request;
    request.set_name(name);
    return testing::CallRawBytes(generic_, kGetMethod, request.SerializeAsString(), bytes);
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

  bool WaitForReadiness(HealthCheckResponse::ServingStatus want,
                        absl::Duration timeout = kReadinessTimeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (true) {
      if (Health(kSchedulingService) == want) return true;
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub generic_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// A screening result as a caller that screens elsewhere hands it over.
screening_v1::ScreeningResult InlineResult() {
  screening_v1::ScreeningResult result;
  result.set_outcome(screening_v1::OUTCOME_PROCEED);
  result.set_rule_set_version("itest.1+000000000000");
  *result.mutable_restrictions() =
      testing::LowBoneRestrictions(common::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  return result;
}

// A valid request with an inline screening result; `variant` changes the
// inputs (and so the plan) without making them invalid.
v1::BuildWeeklyPlanRequest PlanRequest(const std::string& patient_id, int variant = 0) {
  v1::BuildWeeklyPlanRequest request;
  request.set_patient_id(patient_id);
  *request.mutable_screening_result() = InlineResult();
  v1::Preferences* preferences = request.mutable_preferences();
  for (const v1::Weekday day : {v1::WEEKDAY_MONDAY, v1::WEEKDAY_WEDNESDAY, v1::WEEKDAY_FRIDAY,
                                v1::WEEKDAY_SATURDAY}) {
    preferences->add_available_days(day);
  }
  if (variant % 2 == 1) preferences->add_available_days(v1::WEEKDAY_TUESDAY);
  preferences->set_minutes_per_day(30 + 5 * (variant % 7));
  for (const common::Equipment item :
       {common::EQUIPMENT_CHAIR, common::EQUIPMENT_RESISTANCE_BAND, common::EQUIPMENT_DUMBBELLS}) {
    preferences->add_equipment(item);
  }
  preferences->add_enjoyed_exercises("exercises/brisk-walking");
  request.set_week_start_date("2026-11-23");
  request.set_week_index(1 + variant % 11);
  return request;
}

// The id part of "plans/{id}".
std::string PlanIdOf(const std::string& name) {
  return absl::StartsWith(name, "plans/") ? name.substr(6) : std::string();
}

// The JSON log lines of one event, oldest first.
std::vector<google::protobuf::Struct> Events(const std::string& log, const std::string& event) {
  std::vector<google::protobuf::Struct> found;
  for (const absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, absl::StrCat("\"", event, "\""))) continue;
    google::protobuf::Struct fields;
    if (!google::protobuf::util::JsonStringToMessage(std::string(line), &fields).ok()) continue;
    const auto& map = fields.fields();
    if (map.contains("event") && map.at("event").string_value() == event) found.push_back(fields);
  }
  return found;
}

struct CacheCounts {
  int64_t hits = 0;
  int64_t memory_hits = 0;
  int64_t misses = 0;
  int64_t failures = 0;
  int64_t computed = 0;
};

std::ostream& operator<<(std::ostream& out, const CacheCounts& counts) {
  return out << "{hits " << counts.hits << " (memory " << counts.memory_hits << "), misses " << counts.misses << ", failures "
             << counts.failures << ", computed " << counts.computed << "}";
}

// The counts of the last "plan_cache" line; all zero before the first.
CacheCounts LastCacheCounts(const std::string& log) {
  const std::vector<google::protobuf::Struct> lines = Events(log, "plan_cache");
  CacheCounts counts;
  if (lines.empty()) return counts;
  const auto& map = lines.back().fields();
  auto number = [&](const char* key) -> int64_t {
    return map.contains(key) ? static_cast<int64_t>(map.at(key).number_value()) : -1;
  };
  counts.hits = number("hits");
  counts.memory_hits = number("memory_hits");
  counts.misses = number("misses");
  counts.failures = number("failures");
  counts.computed = number("computed");
  return counts;
}

// Polls the log until the last cache report satisfies `done`; that report.
CacheCounts WaitForCacheReport(const testing::ServiceProcess& server,
                               const std::function<bool(const CacheCounts&)>& done,
                               absl::Duration timeout = kReportTimeout) {
  const absl::Time deadline = absl::Now() + timeout;
  CacheCounts counts = LastCacheCounts(server.Log());
  while (!done(counts) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
    counts = LastCacheCounts(server.Log());
  }
  return counts;
}

// Every plan build that reached the cache was a hit or a miss: once the
// report adds up to `calls`, it covers all of them.
CacheCounts WaitForLookups(const testing::ServiceProcess& server, int64_t calls) {
  return WaitForCacheReport(server,
                            [calls](const CacheCounts& c) { return c.hits + c.misses >= calls; });
}

// A file in the test's temporary directory, removed when it goes.
class TempFile {
 public:
  TempFile(const std::string& stem, const std::string& text)
      : base_(testing::NewTempPath(stem)), path_(base_ + ".json") {
    std::ofstream(path_) << text;
  }
  ~TempFile() {
    std::filesystem::remove(path_);
    std::filesystem::remove(base_);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string base_;  // the unique name NewTempPath made
  std::string path_;
};

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The shipped catalog with another declared version (hence another digest).
std::unique_ptr<TempFile> CatalogWithVersion(const std::string& version) {
  catalog::v1::CatalogDocument document;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(ReadText(testing::ShippedCatalogPath()), &document);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString();
  document.set_version(version);
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(document, &json).ok());
  return std::make_unique<TempFile>("osteoflow-catalog", json);
}

// Each test gets its own cache Redis; the services it needs are started by
// the test, on top of it.
class SchedulingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cache = testing::RedisServer::Start();
    ASSERT_TRUE(cache.ok()) << cache.status();
    cache_ = *std::move(cache);
    RedisPoolOptions options;
    options.role = "test";
    options.port = cache_->port();
    options.connect_timeout = absl::Milliseconds(200);
    options.command_timeout = absl::Seconds(1);
    redis_ = std::make_unique<RedisPool>(options);
  }

  void TearDown() override {
    // Clients go before the processes they talk to.
    client_.reset();
    scheduling_.reset();
    screening_.reset();
    catalog_.reset();
    store_.reset();
  }

  void StartCatalog(std::vector<std::string> extra_args = {}) {
    auto catalog = testing::StartCatalogServer(std::move(extra_args));
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = *std::move(catalog);
  }

  // The screening binary with a durable store of its own.
  void StartScreening() {
    auto store = testing::RedisServer::Start({.durable = true});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto screening = testing::StartScreeningServer(store_->port());
    ASSERT_TRUE(screening.ok()) << screening.status();
    screening_ = *std::move(screening);
  }

  // The scheduling service, with the catalog and screening started (when
  // they were) or addresses where nothing listens.
  void StartScheduling(std::vector<std::string> extra_args = {},
                       std::optional<std::string> catalog_address = std::nullopt) {
    client_.reset();
    const std::string nowhere = absl::StrCat("127.0.0.1:", testing::PickFreePort());
    if (!catalog_address.has_value()) {
      catalog_address = catalog_ != nullptr ? catalog_->address() : nowhere;
    }
    const std::string screening_address = screening_ != nullptr ? screening_->address() : nowhere;
    auto scheduling = testing::StartSchedulingServer(*catalog_address, screening_address,
                                                     cache_->port(), std::move(extra_args));
    ASSERT_TRUE(scheduling.ok()) << scheduling.status();
    scheduling_ = *std::move(scheduling);
    client_ = std::make_unique<Client>(*scheduling_);
  }

  // A stored screening of a sample intake.
  screening_v1::Screening Screen(const std::string& sample, const std::string& request_id) {
    auto intake = testing::LoadSampleIntake(sample);
    EXPECT_TRUE(intake.ok()) << intake.status();
    screening_v1::ScreenRequest request;
    request.set_request_id(request_id);
    *request.mutable_intake() = *intake;
    screening_v1::Screening screening;
    auto stub = screening_v1::ScreeningService::NewStub(
        grpc::CreateChannel(screening_->address(), grpc::InsecureChannelCredentials()));
    const grpc::Status status = stub->Screen(Context().get(), request, &screening);
    EXPECT_TRUE(status.ok()) << sample << ": " << Describe(status);
    return screening;
  }

  // A Redis command on the cache, as the test sees it.
  RedisReply Redis(const std::vector<std::string>& command) {
    absl::StatusOr<RedisReply> reply = redis_->Execute(command);
    EXPECT_TRUE(reply.ok()) << command[0] << ": " << reply.status();
    return reply.ok() ? *std::move(reply) : RedisReply();
  }

  bool KeyExists(const std::string& plan_id) {
    return Redis({"EXISTS", kKeyPrefix + plan_id}).integer == 1;
  }

  std::unique_ptr<testing::RedisServer> cache_;
  std::unique_ptr<RedisPool> redis_;
  std::unique_ptr<testing::RedisServer> store_;
  std::unique_ptr<testing::ServiceProcess> catalog_;
  std::unique_ptr<testing::ServiceProcess> screening_;
  std::unique_ptr<testing::ServiceProcess> scheduling_;
  std::unique_ptr<Client> client_;
};

TEST_F(SchedulingServiceTest, AMissThenAHitGiveTheSameBytesCachedWithAJitteredTtl) {
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScheduling({"--cache_ttl=1h", "--cache_ttl_jitter=0.2"}));
  const v1::BuildWeeklyPlanRequest request = PlanRequest("cache-first-01");

  std::string first;
  v1::WeeklyPlan plan;
  grpc::Status status = client_->Build(request, &first, &plan);
  ASSERT_TRUE(status.ok()) << Describe(status);
  std::string second;
  status = client_->Build(request, &second);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(first, second) << "a hit must answer the bytes the miss computed";

  ASSERT_THAT(plan.name(), MatchesRegex("plans/[0-9a-f]{32}"));
  EXPECT_EQ(plan.patient_id(), "cache-first-01");
  EXPECT_EQ(plan.days_size(), 7);
  EXPECT_EQ(plan.rule_set_version(), "itest.1+000000000000");
  EXPECT_FALSE(plan.catalog_digest().empty());
  const std::string key = kKeyPrefix + PlanIdOf(plan.name());

  // The cache holds exactly those bytes, for the configured TTL spread by
  // the jitter: 1h +- 20%.
  const RedisReply cached = Redis({"GET", key});
  EXPECT_EQ(cached.type, RedisReply::Type::kString);
  EXPECT_EQ(cached.text, first);
  const int64_t ttl_ms = Redis({"PTTL", key}).integer;
  EXPECT_GE(ttl_ms, 2'880'000 - 10'000) << "TTL below 1h - 20%";
  EXPECT_LE(ttl_ms, 4'320'000) << "TTL above 1h + 20%";

  std::string got;
  status = client_->Get(plan.name(), &got);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(got, first);

  const CacheCounts counts = WaitForLookups(*scheduling_, 2);
  EXPECT_EQ(counts.hits, 1) << counts;
  EXPECT_EQ(counts.misses, 1) << counts;
  EXPECT_EQ(counts.computed, 1) << counts;
  EXPECT_EQ(counts.failures, 0) << counts;
}

TEST_F(SchedulingServiceTest, RecentPlansAreAnsweredFromMemoryAndStillCachedInRedis) {
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScheduling({"--cache_memory_bytes=1048576"}));
  const v1::BuildWeeklyPlanRequest request = PlanRequest("memory-01");
  std::string first;
  v1::WeeklyPlan plan;
  grpc::Status status = client_->Build(request, &first, &plan);
  ASSERT_TRUE(status.ok()) << Describe(status);
  // Still written to Redis, for other replicas and for after a restart.
  EXPECT_EQ(Redis({"GET", kKeyPrefix + PlanIdOf(plan.name())}).text, first);

  std::string second;
  status = client_->Build(request, &second);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(second, first);
  const CacheCounts counts = WaitForLookups(*scheduling_, 2);
  EXPECT_EQ(counts.memory_hits, 1) << counts;
  EXPECT_EQ(counts.computed, 1) << counts;

  // With Redis gone, the recent plan is still answered, by name too; a plan
  // this process never saw cannot be found by name.
  cache_->Kill();
  std::string while_down;
  status = client_->Build(request, &while_down);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(while_down, first);
  std::string by_name;
  status = client_->Get(plan.name(), &by_name);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(by_name, first);
  status = client_->Get("plans/0123456789abcdef0123456789abcdef", &by_name);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
}

TEST_F(SchedulingServiceTest, ListsInAnotherOrderGiveTheSamePlan) {
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScheduling());
  v1::BuildWeeklyPlanRequest ordered = PlanRequest("order-01");
  v1::BuildWeeklyPlanRequest shuffled = ordered;
  v1::Preferences* preferences = shuffled.mutable_preferences();
  preferences->clear_available_days();
  for (const v1::Weekday day : {v1::WEEKDAY_SATURDAY, v1::WEEKDAY_MONDAY, v1::WEEKDAY_FRIDAY,
                                v1::WEEKDAY_WEDNESDAY}) {
    preferences->add_available_days(day);
  }
  preferences->clear_equipment();
  for (const common::Equipment item : {common::EQUIPMENT_DUMBBELLS, common::EQUIPMENT_CHAIR,
                                       common::EQUIPMENT_RESISTANCE_BAND, common::EQUIPMENT_CHAIR}) {
    preferences->add_equipment(item);
  }
  ordered.mutable_preferences()->add_enjoyed_exercises("exercises/tai-chi");
  preferences->clear_enjoyed_exercises();
  preferences->add_enjoyed_exercises("exercises/tai-chi");
  preferences->add_enjoyed_exercises("exercises/brisk-walking");

  std::string ordered_bytes;
  v1::WeeklyPlan ordered_plan;
  grpc::Status status = client_->Build(ordered, &ordered_bytes, &ordered_plan);
  ASSERT_TRUE(status.ok()) << Describe(status);
  std::string shuffled_bytes;
  v1::WeeklyPlan shuffled_plan;
  status = client_->Build(shuffled, &shuffled_bytes, &shuffled_plan);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(shuffled_plan.name(), ordered_plan.name());
  EXPECT_EQ(shuffled_bytes, ordered_bytes);

  // Other days are another plan.
  v1::BuildWeeklyPlanRequest other = ordered;
  other.mutable_preferences()->add_available_days(v1::WEEKDAY_SUNDAY);
  std::string other_bytes;
  v1::WeeklyPlan other_plan;
  status = client_->Build(other, &other_bytes, &other_plan);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_NE(other_plan.name(), ordered_plan.name());
}

TEST_F(SchedulingServiceTest, PlansFromAStoredScreeningGivenByName) {
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScreening());
  ASSERT_NO_FATAL_FAILURE(StartScheduling());

  int screened = 0;
  for (const char* sample : {kOsteopenia, kVertebral}) {
    SCOPED_TRACE(sample);
    const screening_v1::Screening screening = Screen(sample, absl::StrCat("req-", ++screened));
    ASSERT_FALSE(screening.name().empty());
    const std::string patient = screening.intake().patient_id();

    v1::BuildWeeklyPlanRequest by_name = PlanRequest(patient);
    by_name.set_screening(screening.name());
    by_name.clear_patient_id();
    std::string bytes;
    v1::WeeklyPlan plan;
    grpc::Status status = client_->Build(by_name, &bytes, &plan);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_EQ(plan.patient_id(), patient);
    EXPECT_EQ(plan.rule_set_version(), screening.result().rule_set_version());
    EXPECT_EQ(plan.banners().supervision().required(),
              screening.result().supervision().required());
    EXPECT_EQ(plan.banners().fall_risk().flagged(), screening.result().fall_risk().flagged());

    // The patient id given as well, matching the name: the same plan.
    by_name.set_patient_id(patient);
    std::string with_id;
    status = client_->Build(by_name, &with_id);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_EQ(with_id, bytes);

    // The same result given inline is the same inputs, so the same plan.
    v1::BuildWeeklyPlanRequest inline_request = PlanRequest(patient);
    *inline_request.mutable_screening_result() = screening.result();
    std::string inline_bytes;
    status = client_->Build(inline_request, &inline_bytes);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_EQ(inline_bytes, bytes);
  }

  // A referral: no plan, and the red flag's rule is named.
  const screening_v1::Screening red_flag = Screen(kRedFlag, "req-red-flag");
  ASSERT_EQ(red_flag.result().outcome(), screening_v1::OUTCOME_REFER);
  v1::BuildWeeklyPlanRequest referred = PlanRequest("unused");
  referred.set_screening(red_flag.name());
  referred.clear_patient_id();
  std::string bytes;
  grpc::Status status = client_->Build(referred, &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("RF-CHEST"));

  // A screening that does not exist.
  v1::BuildWeeklyPlanRequest unknown = PlanRequest("unused");
  unknown.set_screening("patients/sample-osteopenia-01/screenings/00000000000000000000");
  unknown.clear_patient_id();
  status = client_->Build(unknown, &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  // A patient id that is not the one in the name.
  v1::BuildWeeklyPlanRequest mismatched = PlanRequest("someone-else-09");
  mismatched.set_screening(red_flag.name());
  status = client_->Build(mismatched, &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("patient_id"));
}

TEST_F(SchedulingServiceTest, ACacheCrashUnderLoadFailsOpenAndTheCacheIsUsedAgainWhenBack) {
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScheduling());
  ASSERT_TRUE(client_->WaitForReadiness(HealthCheckResponse::SERVING));

  constexpr int kThreads = 8;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> calls{0};
  std::atomic<int64_t> failed{0};
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; !stop.load(); ++k) {
        // A few inputs per thread, so that the load has hits as well as misses.
        std::string bytes;
        const grpc::Status status =
            client_->Build(PlanRequest(absl::StrCat("load-", i), k % 6), &bytes);
        ++calls;
        if (!status.ok()) {
          ++failed;
          failures[i] = Describe(status);
        }
      }
    });
  }
  // Readiness is watched all along: the cache is not a readiness dependency.
  std::atomic<int> not_serving{0};
  std::thread health([&] {
    while (!stop.load()) {
      if (client_->Health(kSchedulingService) != HealthCheckResponse::SERVING) ++not_serving;
      absl::SleepFor(absl::Milliseconds(20));
    }
  });

  auto wait_for_calls = [&](int64_t at_least) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (calls.load() < at_least && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  };
  wait_for_calls(100);
  const int64_t before_kill = calls.load();
  cache_->Kill();
  wait_for_calls(before_kill + 200);
  stop = true;
  for (std::thread& thread : threads) thread.join();
  health.join();

  EXPECT_GT(calls.load(), before_kill + 100);
  EXPECT_EQ(failed.load(), 0) << "fail-open: every call answers; one failure: "
                              << *std::max_element(failures.begin(), failures.end());
  EXPECT_EQ(not_serving.load(), 0);
  EXPECT_EQ(client_->Health(kSchedulingService), HealthCheckResponse::SERVING);
  // Exactly one line per outage is checked in AnOutageIsLoggedOnceAndTheRecoveryOnce.
  EXPECT_GE(Events(scheduling_->Log(), "cache_down").size(), 1u) << scheduling_->Log();
  const CacheCounts during = WaitForLookups(*scheduling_, calls.load());
  EXPECT_GE(during.failures, 1) << during;

  // Back, on the same port, with the same service process.
  ASSERT_TRUE(cache_->Restart().ok());
  const v1::BuildWeeklyPlanRequest repeated = PlanRequest("after-outage-01");
  v1::WeeklyPlan plan;
  std::string bytes;
  int64_t total = calls.load();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  bool stored = false;
  while (!stored && absl::Now() < deadline) {
    const grpc::Status status = client_->Build(repeated, &bytes, &plan);
    ++total;
    ASSERT_TRUE(status.ok()) << Describe(status);
    stored = KeyExists(PlanIdOf(plan.name()));
    if (!stored) absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(stored) << "the plan was never cached again after Redis came back";
  const CacheCounts stored_counts = WaitForLookups(*scheduling_, total);
  std::string hit;
  const grpc::Status status = client_->Build(repeated, &hit);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(hit, bytes);
  const CacheCounts after = WaitForLookups(*scheduling_, total + 1);
  EXPECT_EQ(after.hits, stored_counts.hits + 1) << "before " << stored_counts << ", after " << after;
  EXPECT_GE(Events(scheduling_->Log(), "cache_up").size(), 1u) << scheduling_->Log();
}

TEST_F(SchedulingServiceTest, AnOutageIsLoggedOnceAndTheRecoveryOnce) {
  // A command that succeeded just before a crash may be noted after another
  // call's failure; it must not log a false cache_up and a second
  // cache_down for the same outage. Three crashes under load make that
  // ordering likely.
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScheduling());
  for (int round = 1; round <= 3; ++round) {
    SCOPED_TRACE(absl::StrCat("outage ", round));
    constexpr int kThreads = 8;
    std::atomic<bool> stop{false};
    std::atomic<int64_t> calls{0};
    std::atomic<int64_t> failed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        for (int k = 0; !stop.load(); ++k) {
          std::string bytes;
          if (!client_->Build(PlanRequest(absl::StrCat("outage-", i), k % 6), &bytes).ok()) ++failed;
          ++calls;
        }
      });
    }
    auto wait_for_calls = [&](int64_t at_least) {
      const absl::Time deadline = absl::Now() + absl::Seconds(10);
      while (calls.load() < at_least && absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(5));
      }
    };
    wait_for_calls(100);
    cache_->Kill();
    wait_for_calls(calls.load() + 100);
    stop = true;
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(failed.load(), 0);
    std::string log = scheduling_->Log();
    EXPECT_EQ(Events(log, "cache_down").size(), static_cast<size_t>(round)) << log;
    EXPECT_EQ(Events(log, "cache_up").size(), static_cast<size_t>(round - 1)) << log;

    ASSERT_TRUE(cache_->Restart().ok());
    // One success brings the cache back, logged once.
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (Events(scheduling_->Log(), "cache_up").size() < static_cast<size_t>(round) &&
           absl::Now() < deadline) {
      std::string bytes;
      ASSERT_TRUE(client_->Build(PlanRequest("outage-probe"), &bytes).ok());
      absl::SleepFor(absl::Milliseconds(20));
    }
    log = scheduling_->Log();
    EXPECT_EQ(Events(log, "cache_down").size(), static_cast<size_t>(round)) << log;
    EXPECT_EQ(Events(log, "cache_up").size(), static_cast<size_t>(round)) << log;
  }
}

TEST_F(SchedulingServiceTest, ConcurrentIdenticalMissesComputeOnce) {
  // 16 misses for one key whose lookups are all outstanding at once: callers
  // reaching the flight map after the leader finished must not compute again.
  // A long command timeout: the cache is held still on purpose below.
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScheduling({"--cache_command_timeout=2s"}));
  // One plan first, so that the catalog is held and the report has a line.
  std::string bytes;
  grpc::Status warm = client_->Build(PlanRequest("warm-up-01"), &bytes);
  ASSERT_TRUE(warm.ok()) << Describe(warm);
  const CacheCounts before = WaitForLookups(*scheduling_, 1);
  ASSERT_EQ(before.computed, 1) << before;

  // Redis holds every command for a moment, so that all the lookups are
  // outstanding together and come back as misses together.
  EXPECT_EQ(Redis({"CLIENT", "PAUSE", "300", "ALL"}).text, "OK");
  constexpr int kCallers = 16;
  const v1::BuildWeeklyPlanRequest request = PlanRequest("single-flight-01", 3);
  std::latch start(kCallers);
  std::vector<std::thread> callers;
  std::vector<std::string> answers(kCallers);
  std::vector<grpc::Status> statuses(kCallers);
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      start.arrive_and_wait();
      statuses[i] = client_->Build(request, &answers[i]);
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (int i = 0; i < kCallers; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << Describe(statuses[i]);
    EXPECT_EQ(answers[i], answers[0]) << i;
  }
  const CacheCounts after = WaitForLookups(*scheduling_, 1 + kCallers);
  EXPECT_EQ(after.hits + after.misses, 1 + kCallers) << after;
  ASSERT_EQ(after.misses, before.misses + kCallers)
      << "the requests did not overlap, so single flight was not exercised: " << after;
  EXPECT_EQ(after.computed, before.computed + 1) << after;
  EXPECT_EQ(after.failures, 0) << after;
}

TEST_F(SchedulingServiceTest, AMissWhileTheSamePlanIsBeingCachedDoesNotComputeAgain) {
  // A miss for the same key while the leader's cache write (SET) is still
  // on its way must join the flight, not compute again. Holding writes back
  // (CLIENT PAUSE WRITE) makes that window certain.
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScheduling({"--cache_command_timeout=3s"}));
  std::string bytes;
  grpc::Status warm = client_->Build(PlanRequest("warm-up-02"), &bytes);
  ASSERT_TRUE(warm.ok()) << Describe(warm);
  const CacheCounts before = WaitForLookups(*scheduling_, 1);
  ASSERT_EQ(before.computed, 1) << before;

  // Reads go on; writes wait.
  EXPECT_EQ(Redis({"CLIENT", "PAUSE", "1000", "WRITE"}).text, "OK");
  const v1::BuildWeeklyPlanRequest request = PlanRequest("slow-write-01", 5);
  std::string first;
  grpc::Status first_status;
  std::thread leader([&] { first_status = client_->Build(request, &first); });
  // The leader has computed and is writing (its call is still open).
  const CacheCounts computing = WaitForCacheReport(
      *scheduling_, [&](const CacheCounts& c) { return c.computed == before.computed + 1; });
  ASSERT_EQ(computing.computed, before.computed + 1) << computing;
  absl::SleepFor(absl::Milliseconds(100));

  std::string second;
  const grpc::Status second_status = client_->Build(request, &second);
  leader.join();
  ASSERT_TRUE(first_status.ok()) << Describe(first_status);
  ASSERT_TRUE(second_status.ok()) << Describe(second_status);
  EXPECT_EQ(second, first);
  const CacheCounts after = WaitForLookups(*scheduling_, 3);
  EXPECT_EQ(after.computed, before.computed + 1)
      << "two overlapping misses for one plan computed it twice: " << after;
}

TEST_F(SchedulingServiceTest, ANewCatalogGivesAFreshPlan) {
  const int port = testing::PickFreePort();
  const std::string listen = absl::StrCat("--listen_address=127.0.0.1:", port);
  const std::unique_ptr<TempFile> first_file = CatalogWithVersion("itest.catalog.a");
  const std::unique_ptr<TempFile> second_file = CatalogWithVersion("itest.catalog.b");
  ASSERT_NO_FATAL_FAILURE(StartCatalog({listen, "--catalog_file=" + first_file->path()}));
  ASSERT_NO_FATAL_FAILURE(StartScheduling());
  const v1::BuildWeeklyPlanRequest request = PlanRequest("catalog-change-01");

  std::string first_bytes;
  v1::WeeklyPlan first;
  grpc::Status status = client_->Build(request, &first_bytes, &first);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(first.catalog_version(), "itest.catalog.a");

  catalog_->Signal(SIGTERM);
  ASSERT_TRUE(catalog_->WaitForExit(absl::Seconds(15)).ok());
  ASSERT_NO_FATAL_FAILURE(StartCatalog({listen, "--catalog_file=" + second_file->path()}));
  ASSERT_EQ(catalog_->port(), port);

  // Past the refresh interval the digest is checked again; the channel may
  // take a reconnect backoff to find the new process.
  absl::SleepFor(absl::Milliseconds(250));
  v1::WeeklyPlan second;
  std::string second_bytes;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    status = client_->Build(request, &second_bytes, &second);
    ASSERT_TRUE(status.ok()) << Describe(status);
    if (second.catalog_version() == "itest.catalog.b") break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < deadline);
  EXPECT_EQ(second.catalog_version(), "itest.catalog.b");
  EXPECT_NE(second.catalog_digest(), first.catalog_digest());
  EXPECT_NE(second.name(), first.name());
  EXPECT_NE(second_bytes, first_bytes);

  // Each plan keeps its own name and content.
  std::string got;
  status = client_->Get(second.name(), &got);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(got, second_bytes);
  status = client_->Get(first.name(), &got);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(got, first_bytes);
}

TEST_F(SchedulingServiceTest, NoCatalogHeldIsUnavailableAndNotReadyUntilTheCatalogComes) {
  const int port = testing::PickFreePort();
  const std::string catalog_address = absl::StrCat("127.0.0.1:", port);
  ASSERT_NO_FATAL_FAILURE(StartScheduling({"--catalog_deadline=500ms"}, catalog_address));

  std::string bytes;
  const v1::BuildWeeklyPlanRequest request = PlanRequest("no-catalog-01");
  grpc::Status status = client_->Build(request, &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
  EXPECT_TRUE(client_->WaitForReadiness(HealthCheckResponse::NOT_SERVING));
  // It stays so while the catalog is away, not just for a moment.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(client_->Health(kSchedulingService), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(client_->Health(""), HealthCheckResponse::SERVING) << "liveness must not follow the catalog";

  ASSERT_NO_FATAL_FAILURE(StartCatalog({absl::StrCat("--listen_address=", catalog_address)}));
  EXPECT_TRUE(client_->WaitForReadiness(HealthCheckResponse::SERVING))
      << "readiness should return once the catalog is reachable";
  v1::WeeklyPlan plan;
  status = client_->Build(request, &bytes, &plan);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(plan.days_size(), 7);
}

// A first catalog fetch that hangs until its deadline must not leave the
// service reporting ready meanwhile: readiness is off until the catalog is
// held, not until the first fetch has failed.
TEST_F(SchedulingServiceTest, NotReadyWhileTheFirstCatalogFetchIsStillWaiting) {
  const testing::SilentListener silent;
  ASSERT_NO_FATAL_FAILURE(StartScheduling({"--catalog_deadline=3s"}, silent.address()));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(client_->Health(kSchedulingService), HealthCheckResponse::NOT_SERVING) << "check " << i;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(client_->Health(""), HealthCheckResponse::SERVING);
}

TEST_F(SchedulingServiceTest, BadInputIsInvalidArgumentNamingTheFields) {
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScheduling());
  std::string bytes;

  v1::BuildWeeklyPlanRequest bad = PlanRequest("");
  bad.mutable_preferences()->set_minutes_per_day(5);
  bad.mutable_preferences()->add_available_days(v1::WEEKDAY_MONDAY);  // repeated
  bad.set_week_start_date("2026-02-30");
  bad.set_week_index(0);
  bad.mutable_screening_result()->clear_rule_set_version();
  grpc::Status status = client_->Build(bad, &bytes);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  for (const char* field :
       {"patient_id", "preferences.minutes_per_day", "preferences.available_days[4]",
        "week_start_date", "week_index", "screening_result.rule_set_version"}) {
    EXPECT_THAT(status.error_message(), HasSubstr(std::string(field) + ":")) << field;
  }

  status = client_->Build(v1::BuildWeeklyPlanRequest(), &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("screening:"));
  EXPECT_THAT(status.error_message(), HasSubstr("preferences:"));

  v1::BuildWeeklyPlanRequest unknown = PlanRequest("unknown-exercise-01");
  unknown.mutable_preferences()->add_enjoyed_exercises("exercises/no-such-exercise");
  status = client_->Build(unknown, &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("exercises/no-such-exercise"));
  EXPECT_THAT(status.error_message(), HasSubstr("preferences.enjoyed_exercises"));

  for (const char* method : {kBuildMethod, kGetMethod}) {
    const grpc::Status malformed = testing::SendRawBytes(client_->channel(), method,
                                                         std::string("\xff\xff\xff\xff\x0f", 5));
    EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
  }

  for (const std::string& name :
       {std::string(""), std::string("plans/xyz"), std::string("plan/") + std::string(32, 'a'),
        std::string("plans/") + std::string(32, 'A'), std::string("plans/") + std::string(33, 'a')}) {
    status = client_->Get(name, &bytes);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(status.error_message(), HasSubstr("name")) << name;
  }
  status = client_->Get("plans/" + std::string(32, '0'), &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  // Still serving, and a good request still works.
  EXPECT_EQ(client_->Health(""), HealthCheckResponse::SERVING);
  v1::WeeklyPlan plan;
  status = client_->Build(PlanRequest("after-bad-input-01"), &bytes, &plan);
  ASSERT_TRUE(status.ok()) << Describe(status);

  // With the cache down a stored plan cannot be read: UNAVAILABLE, not
  // NOT_FOUND. Building still works (fail-open).
  cache_->Kill();
  status = client_->Get(plan.name(), &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
  status = client_->Build(PlanRequest("after-bad-input-01"), &bytes);
  EXPECT_TRUE(status.ok()) << Describe(status);
}

TEST(SchedulingServiceStartup, InvalidPlanRulesOrSettingsRefuseToStart) {
  const std::string binary = testing::BinaryPath("services/scheduling/osteoflow-scheduling");
  const std::string nowhere = absl::StrCat("127.0.0.1:", testing::PickFreePort());
  const std::vector<std::string> base = {"--listen_address=127.0.0.1:0",
                                         "--catalog_address=" + nowhere,
                                         "--screening_address=" + nowhere,
                                         "--cache_address=" + nowhere};

  // Dose targets that fail validation: no strength component.
  v1::PlanRulesDocument rules;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      ReadText(testing::ShippedPlanRulesPath()), &rules);
  ASSERT_TRUE(parsed.ok()) << parsed.ToString();
  rules.clear_strength();
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(rules, &json).ok());
  const TempFile invalid("osteoflow-plan-rules", json);
  const TempFile not_json("osteoflow-plan-rules", "{ this is not json");
  for (const std::string& path : {invalid.path(), not_json.path()}) {
    std::vector<std::string> args = base;
    args.push_back("--plan_rules_file=" + path);
    auto result = testing::RunToExit(binary, args, {}, absl::Seconds(10));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->exit_code, 3) << result->output;
    EXPECT_THAT(result->output, HasSubstr("refusing to start"));
  }

  std::vector<std::string> args = base;
  args.push_back("--plan_rules_file=" + testing::ShippedPlanRulesPath());
  testing::ExpectSettingsRefused(binary, args,
                                 {{"--cache_ttl_jitter=2", "cache_ttl_jitter"},
                                  {"--cache_ttl_jitter=-0.1", "cache_ttl_jitter"},
                                  {"--cache_ttl=0s", "cache_ttl"},
                                  {"--catalog_refresh_interval=1ms", "catalog_refresh_interval"},
                                  {"--cache_report_interval=1ms", "cache_report_interval"},
                                  {"--catalog_address=", "catalog_address"},
                                  {"--cache_address=nonsense", "cache_address"}});
}

// Every text of a screening result that speaks of the person's health.
std::vector<std::string> HealthTexts(const screening_v1::ScreeningResult& result) {
  std::vector<std::string> texts;
  for (const screening_v1::RedFlag& flag : result.red_flags()) {
    texts.push_back(flag.finding());
    texts.push_back(flag.rule().rule_id());
  }
  for (const screening_v1::ClearanceReason& reason : result.clearance().reasons()) {
    texts.push_back(reason.reason());
  }
  for (const screening_v1::Reason& reason : result.supervision().reasons()) {
    texts.push_back(reason.reason());
  }
  for (const screening_v1::Reason& reason : result.fall_risk().reasons()) {
    texts.push_back(reason.reason());
  }
  return texts;
}

TEST_F(SchedulingServiceTest, LogsCarryNoHealthData) {
  ASSERT_NO_FATAL_FAILURE(StartCatalog());
  ASSERT_NO_FATAL_FAILURE(StartScreening());
  ASSERT_NO_FATAL_FAILURE(StartScheduling());

  std::vector<std::string> leaks = {
      "chest pain", "Chest pain", "chestPain", "chest_pain", "hypertension", "tScore", "t_score",
      "-3.1", "2025-03-10", "FRACTURE_SITE", "POSTMENOPAUSAL", "OUTCOME_", "IMPACT_LEVEL",
      "SKELETAL_SITE", "heightLoss", "cardiovascular", "AVOID-"};
  int built = 0;
  int screened = 0;
  for (const char* sample : {kOsteopenia, kVertebral, kRedFlag}) {
    SCOPED_TRACE(sample);
    const screening_v1::Screening screening = Screen(sample, absl::StrCat("req-log-", ++screened));
    for (const std::string& text : HealthTexts(screening.result())) {
      if (!text.empty()) leaks.push_back(text);
    }
    v1::BuildWeeklyPlanRequest by_name = PlanRequest("unused");
    by_name.set_screening(screening.name());
    by_name.clear_patient_id();
    std::string bytes;
    grpc::Status status = client_->Build(by_name, &bytes);
    v1::BuildWeeklyPlanRequest inline_request = PlanRequest(screening.intake().patient_id());
    *inline_request.mutable_screening_result() = screening.result();
    grpc::Status inline_status = client_->Build(inline_request, &bytes);
    if (screening.result().outcome() == screening_v1::OUTCOME_REFER) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
      EXPECT_EQ(inline_status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    } else {
      EXPECT_TRUE(status.ok()) << Describe(status);
      EXPECT_TRUE(inline_status.ok()) << Describe(inline_status);
      built += 2;
    }
  }
  EXPECT_EQ(built, 4);
  v1::BuildWeeklyPlanRequest bad = PlanRequest("log-bad-01");
  bad.mutable_preferences()->add_enjoyed_exercises("exercises/no-such-exercise");
  std::string bytes;
  EXPECT_EQ(client_->Build(bad, &bytes).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Stopping the service flushes every log line it has.
  client_.reset();
  scheduling_->Signal(SIGTERM);
  auto code = scheduling_->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  const std::string log = scheduling_->Log();
  EXPECT_THAT(log, HasSubstr(kBuildMethod));
  EXPECT_THAT(log, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_FALSE(Events(log, "plan_cache").empty());
  for (const std::string& leak : leaks) {
    EXPECT_THAT(log, Not(HasSubstr(leak))) << "the log leaks \"" << leak << "\":\n" << log;
  }
}

}  // namespace
}  // namespace osteoflow::scheduling

// The /metrics endpoint of the four real binaries, scraped over plain HTTP
// after calls whose number and outcome the test knows: calls served and made
// by method and code, calls to methods nobody serves, the endpoint's
// settings, the dependency, cache, data and build series, and what a store
// outage does to them. Every exposition also passes `promtool check metrics`.
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.grpc.pb.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/local_suite.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/progress_server.h"
#include "tests/support/raw_call.h"
#include "tests/support/recorded_digest.h"
#include "tests/support/redis_server.h"
#include "tests/support/restrictions.h"
#include "tests/support/scheduling_server.h"
#include "tests/support/screening_server.h"
#include "tests/support/service_process.h"
#include "tests/support/test_catalog.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;
using testing::Exposition;
using testing::Labels;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace progress_v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

constexpr char kCatalogService[] = "osteoflow.catalog.v1.CatalogService";
constexpr char kScreeningService[] = "osteoflow.screening.v1.ScreeningService";
constexpr char kSchedulingService[] = "osteoflow.scheduling.v1.SchedulingService";
constexpr char kProgressService[] = "osteoflow.progress.v1.ProgressService";
constexpr char kHealthService[] = "grpc.health.v1.Health";

// gRPC's codes in their numbering, named as Go names them: the label values
// dashboards written for go-grpc-prometheus match on.
constexpr std::array<const char*, 17> kGoCodeNames = {
    "OK",           "Canceled",        "Unknown",        "InvalidArgument",   "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",      "OutOfRange",
    "Unimplemented", "Internal",        "Unavailable",    "DataLoss",          "Unauthenticated"};

// The documented bucket bounds of the call histograms, in seconds.
const std::vector<double>& DocumentedBuckets() {
  static const auto* const bounds =
      new std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *bounds;
}

// Every call has a deadline, well within ctest's own timeout.
std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(15)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

std::shared_ptr<grpc::Channel> ChannelTo(const testing::ServiceProcess& service) {
  return grpc::CreateChannel(service.address(), grpc::InsecureChannelCredentials());
}

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The calls a test made, by service, method and the code the caller saw.
class CallTally {
 public:
  // Counts the call and returns its code, so that a test can also say which
  // code it expected.
  grpc::StatusCode Add(const std::string& service, const std::string& method, const grpc::Status& status) {
    ++counts_[{service, method}][status.error_code()];
    return status.error_code();
  }
  void AddCount(const std::string& service, const std::string& method, grpc::StatusCode code, int64_t count) {
    counts_[{service, method}][code] += count;
  }
  int64_t Count(const std::string& service, const std::string& method, grpc::StatusCode code) const {
    const auto found = counts_.find({service, method});
    if (found == counts_.end()) return 0;
    const auto by_code = found->second.find(code);
    return by_code == found->second.end() ? 0 : by_code->second;
  }
  int64_t Total(const std::string& service, const std::string& method) const {
    const auto found = counts_.find({service, method});
    if (found == counts_.end()) return 0;
    int64_t total = 0;
    for (const auto& [code, count] : found->second) total += count;
    return total;
  }

 private:
  std::map<std::pair<std::string, std::string>, std::map<grpc::StatusCode, int64_t>> counts_;
};

Labels CallLabels(const std::string& service, const std::string& method, const std::string& type = "unary") {
  return {{"grpc_service", service}, {"grpc_method", method}, {"grpc_type", type}};
}

Labels With(Labels labels, const std::string& name, const std::string& value) {
  labels[name] = value;
  return labels;
}

// The histogram `name` (without suffix) with `labels`: its buckets have the
// documented bounds, are cumulative, and the last (+Inf) equals _count.
void ExpectCumulativeHistogram(const Exposition& metrics, const std::string& name, const Labels& labels,
                               const std::vector<double>& bounds) {
  std::vector<std::pair<double, double>> buckets;  // (le, count)
  for (const testing::Sample* sample : metrics.Matching(name + "_bucket", labels)) {
    const auto le = sample->labels.find("le");
    ASSERT_NE(le, sample->labels.end()) << name << ": a bucket without le";
    // Only the buckets of exactly this series (not of one with more labels).
    Labels without_le = sample->labels;
    without_le.erase("le");
    if (without_le != labels) continue;
    double bound = 0;
    if (le->second == "+Inf") {
      bound = std::numeric_limits<double>::infinity();
    } else {
      ASSERT_TRUE(absl::SimpleAtod(le->second, &bound)) << name << ": le=" << le->second;
    }
    buckets.emplace_back(bound, sample->value);
  }
  std::sort(buckets.begin(), buckets.end());
  ASSERT_EQ(buckets.size(), bounds.size() + 1) << name << ": buckets of " << ::testing::PrintToString(labels);
  for (size_t i = 0; i < bounds.size(); ++i) EXPECT_DOUBLE_EQ(buckets[i].first, bounds[i]) << name;
  EXPECT_TRUE(std::isinf(buckets.back().first)) << name << ": the last bucket is not +Inf";
  for (size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_GE(buckets[i].second, buckets[i - 1].second)
        << name << ": bucket le=" << buckets[i].first << " holds fewer than le=" << buckets[i - 1].first;
  }
  const std::optional<double> count = metrics.Value(name + "_count", labels);
  ASSERT_TRUE(count.has_value()) << name << "_count missing for " << ::testing::PrintToString(labels);
  EXPECT_EQ(buckets.back().second, *count) << name << ": +Inf bucket and _count differ";
  const std::optional<double> sum = metrics.Value(name + "_sum", labels);
  ASSERT_TRUE(sum.has_value()) << name << "_sum missing";
  EXPECT_GE(*sum, 0);
  if (*count == 0) {
    EXPECT_EQ(*sum, 0) << name;
  }
}

// The grpc_<side>_* series of every method of `service` against `tally`:
// each (method, code) handled exactly as often as the tally says (every
// code's series present, at zero when unused), started and the histogram's
// count equal to the method's total, buckets cumulative. `side` is "server"
// or "client".
void ExpectCallSeries(const Exposition& metrics, const std::string& side, const std::string& service,
                      const CallTally& tally) {
  SCOPED_TRACE(absl::StrCat("grpc_", side, "_* of ", service));
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  ASSERT_NE(descriptor, nullptr) << service;
  const std::string handled = absl::StrCat("grpc_", side, "_handled_total");
  const std::string started = absl::StrCat("grpc_", side, "_started_total");
  const std::string seconds = absl::StrCat("grpc_", side, "_handling_seconds");
  for (int m = 0; m < descriptor->method_count(); ++m) {
    const google::protobuf::MethodDescriptor& method = *descriptor->method(m);
    const std::string type = method.server_streaming() ? "server_stream" : "unary";
    const Labels labels = CallLabels(service, method.name(), type);
    for (size_t code = 0; code < kGoCodeNames.size(); ++code) {
      const std::optional<double> value = metrics.Value(handled, With(labels, "grpc_code", kGoCodeNames[code]));
      ASSERT_TRUE(value.has_value()) << handled << " has no series for " << method.name() << " "
                                     << kGoCodeNames[code];
      EXPECT_EQ(*value, tally.Count(service, method.name(), static_cast<grpc::StatusCode>(code)))
          << handled << "{" << method.name() << ", " << kGoCodeNames[code] << "}";
    }
    EXPECT_EQ(metrics.Value(started, labels), tally.Total(service, method.name())) << started << " " << method.name();
    EXPECT_EQ(metrics.Value(seconds + "_count", labels), tally.Total(service, method.name()))
        << seconds << "_count " << method.name();
    ExpectCumulativeHistogram(metrics, seconds, labels, DocumentedBuckets());
  }
  // Nothing else under this service's name: a method per contract method.
  EXPECT_EQ(metrics.Matching(handled, {{"grpc_service", service}}).size(),
            static_cast<size_t>(descriptor->method_count()) * kGoCodeNames.size());
}

absl::StatusOr<Exposition> ScrapeOf(const testing::ServiceProcess& service) {
  return testing::Scrape(service.metrics_port());
}

// Scrapes until `holds` is true of the exposition, at most `timeout`; the
// last exposition scraped.
Exposition ScrapeUntil(const testing::ServiceProcess& service, const std::function<bool(const Exposition&)>& holds,
                       absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  Exposition last;
  while (true) {
    absl::StatusOr<Exposition> scraped = ScrapeOf(service);
    if (scraped.ok()) {
      last = *std::move(scraped);
      if (holds(last)) return last;
    }
    if (absl::Now() > deadline) return last;
    absl::SleepFor(absl::Milliseconds(25));
  }
}

// The exposition a service serves passes promtool's checks.
void ExpectPromtoolPasses(const testing::ServiceProcess& service, const std::string& who) {
  absl::StatusOr<std::string> text = testing::ScrapeText(service.metrics_port());
  ASSERT_TRUE(text.ok()) << who << ": " << text.status();
  const testing::PromtoolVerdict verdict = testing::CheckWithPromtool(*text);
  if (!verdict.available) GTEST_SKIP() << "promtool is not installed (scripts/setup.sh installs it)";
  EXPECT_EQ(verdict.exit_code, 0) << who << ": promtool check metrics found problems:\n" << verdict.output;
}

// A sample intake with its patient id replaced.
screening_v1::Intake IntakeFor(const std::string& sample, const std::string& patient) {
  absl::StatusOr<screening_v1::Intake> intake = testing::LoadSampleIntake(sample);
  EXPECT_TRUE(intake.ok()) << intake.status();
  screening_v1::Intake result = intake.ok() ? *intake : screening_v1::Intake();
  result.set_patient_id(patient);
  return result;
}

scheduling_v1::Preferences SamplePreferences(const std::string& sample) {
  const std::string path = std::string(OSTEOFLOW_SOURCE_DIR) + "/samples/preferences/" + sample;
  scheduling_v1::Preferences preferences;
  const auto parsed = google::protobuf::util::JsonStringToMessage(ReadText(path), &preferences);
  EXPECT_TRUE(parsed.ok()) << path << ": " << parsed.ToString();
  return preferences;
}

// A plan request with a result screened elsewhere; `minutes` varies the
// inputs (and so the plan).
scheduling_v1::BuildWeeklyPlanRequest InlinePlanRequest(const std::string& patient, int minutes = 30) {
  scheduling_v1::BuildWeeklyPlanRequest request;
  request.set_patient_id(patient);
  screening_v1::ScreeningResult* result = request.mutable_screening_result();
  result->set_outcome(screening_v1::OUTCOME_PROCEED);
  result->set_rule_set_version("itest.1+000000000000");
  *result->mutable_restrictions() = testing::LowBoneRestrictions(common::v1::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
  scheduling_v1::Preferences* preferences = request.mutable_preferences();
  for (const auto day : {scheduling_v1::WEEKDAY_MONDAY, scheduling_v1::WEEKDAY_WEDNESDAY,
                         scheduling_v1::WEEKDAY_FRIDAY}) {
    preferences->add_available_days(day);
  }
  preferences->set_minutes_per_day(minutes);
  preferences->add_equipment(common::v1::EQUIPMENT_CHAIR);
  request.set_week_start_date("2026-11-23");
  request.set_week_index(1);
  return request;
}

grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  return grpc::health::v1::Health::NewStub(channel)->Check(Context().get(), request, &response);
}

// ---------------------------------------------------------------------------
// The tools the checks below rely on, shown able to fail.

TEST(MetricsScrape, ParsesLabelsEscapesAndSpecialValues) {
  const absl::StatusOr<Exposition> parsed = Exposition::Parse(
      "# HELP a_total A counter.\n"
      "# TYPE a_total counter\n"
      "a_total{x=\"1\",y=\"q\\\"uote\\\\back\\nline\"} 3\n"
      "\n"
      "b_seconds_bucket{le=\"+Inf\"} +Inf\n"
      "c 1.5e3 1700000000000\n"
      "d{x=\"}\",} NaN\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->SeriesCount(), 4u);
  EXPECT_EQ(parsed->TypeOf("a_total"), "counter");
  EXPECT_EQ(parsed->Value("a_total", {{"x", "1"}, {"y", "q\"uote\\back\nline"}}), 3);
  EXPECT_EQ(parsed->Value("a_total", {{"x", "1"}}), std::nullopt) << "Value wants the exact label set";
  EXPECT_EQ(parsed->Sum("a_total", {{"x", "1"}}), 3);
  EXPECT_TRUE(std::isinf(parsed->Value("b_seconds_bucket", {{"le", "+Inf"}}).value_or(0)));
  EXPECT_EQ(parsed->Value("c"), 1500);
  EXPECT_TRUE(std::isnan(parsed->Value("d", {{"x", "}"}}).value_or(0)));
  for (const char* broken : {"a_total{x=\"1\"", "a_total{x=1} 2", "a_total", "a_total 1 2 3", "9a 1",
                             "a_total{x=\"1\",x=\"2\"} 1"}) {
    EXPECT_FALSE(Exposition::Parse(broken).ok()) << broken;
  }
}

TEST(MetricsScrape, PromtoolFindsAProblem) {
  const testing::PromtoolVerdict good = testing::CheckWithPromtool(
      "# HELP good_total A counter.\n# TYPE good_total counter\ngood_total 1\n");
  if (!good.available) GTEST_SKIP() << "promtool is not installed (scripts/setup.sh installs it)";
  EXPECT_EQ(good.exit_code, 0) << good.output;
  // A counter whose name does not end in _total, and no help text.
  const testing::PromtoolVerdict bad = testing::CheckWithPromtool("# TYPE bad counter\nbad 1\n");
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("bad"));
}

// ---------------------------------------------------------------------------
// Calls served, by method and code.

TEST(MetricsEndpoint, CatalogCountsEveryCallByMethodAndCode) {
  auto catalog = testing::StartCatalogServer({testing::kMetricsOnAnyLoopbackPort});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  ASSERT_GT((*catalog)->metrics_port(), 0);
  ASSERT_NE((*catalog)->metrics_port(), (*catalog)->port());

  // Every series of the contract exists before the first call, at zero.
  absl::StatusOr<Exposition> fresh = ScrapeOf(**catalog);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ExpectCallSeries(*fresh, "server", kCatalogService, CallTally());
  ExpectCallSeries(*fresh, "server", kHealthService, CallTally());

  const auto channel = ChannelTo(**catalog);
  const auto stub = catalog_v1::CatalogService::NewStub(channel);
  CallTally tally;
  const auto get = [&](const std::string& name) {
    catalog_v1::GetExerciseRequest request;
    request.set_name(name);
    catalog_v1::Exercise exercise;
    return tally.Add(kCatalogService, "GetExercise", stub->GetExercise(Context().get(), request, &exercise));
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("exercises/sit-up"), grpc::StatusCode::OK);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get("exercises/moonwalk"), grpc::StatusCode::NOT_FOUND);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(get("sit-up"), grpc::StatusCode::INVALID_ARGUMENT);

  const auto list = [&](int page_size) {
    catalog_v1::ListExercisesRequest request;
    request.set_page_size(page_size);
    catalog_v1::ListExercisesResponse response;
    return tally.Add(kCatalogService, "ListExercises", stub->ListExercises(Context().get(), request, &response));
  };
  for (int i = 0; i < 4; ++i) EXPECT_EQ(list(10), grpc::StatusCode::OK);
  EXPECT_EQ(list(-3), grpc::StatusCode::INVALID_ARGUMENT);

  const auto evaluate = [&](bool with_restrictions) {
    catalog_v1::EvaluateActivityRequest request;
    if (with_restrictions) {
      *request.mutable_restrictions() =
          testing::LowBoneRestrictions(common::v1::IMPACT_LEVEL_MODERATE, "IMP-LOWBONE");
    }
    request.set_exercise("exercises/brisk-walking");
    catalog_v1::EvaluateActivityResponse response;
    return tally.Add(kCatalogService, "EvaluateActivity",
                     stub->EvaluateActivity(Context().get(), request, &response));
  };
  for (int i = 0; i < 2; ++i) EXPECT_EQ(evaluate(true), grpc::StatusCode::OK);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(evaluate(false), grpc::StatusCode::INVALID_ARGUMENT);

  catalog_v1::CatalogInfo info;
  EXPECT_EQ(tally.Add(kCatalogService, "GetCatalogInfo", stub->GetCatalogInfo(Context().get(), {}, &info)),
            grpc::StatusCode::OK);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(tally.Add(kHealthService, "Check", HealthCheck(channel)), grpc::StatusCode::OK);
  }

  absl::StatusOr<Exposition> scraped = ScrapeOf(**catalog);
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  ExpectCallSeries(*scraped, "server", kCatalogService, tally);
  ExpectCallSeries(*scraped, "server", kHealthService, tally);
  EXPECT_EQ(scraped->TypeOf("grpc_server_handled_total"), "counter");
  EXPECT_EQ(scraped->TypeOf("grpc_server_started_total"), "counter");
  EXPECT_EQ(scraped->TypeOf("grpc_server_handling_seconds"), "histogram");
  // Started equals handled over everything the server counts.
  EXPECT_EQ(scraped->Sum("grpc_server_started_total"), scraped->Sum("grpc_server_handled_total"));
  ExpectPromtoolPasses(**catalog, "catalog");
}

TEST(MetricsEndpoint, ScreeningCountsEveryCallAndTimesItsStoreCommands) {
  auto store = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(store.ok()) << store.status();
  // Readiness checks the store once, at start: between the scrapes below
  // only the test's calls send commands to it.
  auto screening = testing::StartScreeningServer(
      (*store)->port(), {testing::kMetricsOnAnyLoopbackPort, "--store_check_interval=1m"});
  ASSERT_TRUE(screening.ok()) << screening.status();

  const Exposition ready = ScrapeUntil(**screening, [](const Exposition& metrics) {
    return metrics.Value("osteoflow_dependency_up", {{"dependency", "store"}}) == 1;
  });
  EXPECT_EQ(ready.Value("osteoflow_dependency_up", {{"dependency", "store"}}), 1);
  const Labels store_role = {{"role", "store"}};
  const std::optional<double> commands_before = ready.Value("osteoflow_redis_command_seconds_count", store_role);
  ASSERT_TRUE(commands_before.has_value()) << "no osteoflow_redis_command_seconds{role=\"store\"}";
  EXPECT_GE(*commands_before, 1) << "readiness's own check of the store was not timed";
  absl::SleepFor(absl::Milliseconds(300));
  absl::StatusOr<Exposition> idle = ScrapeOf(**screening);
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_EQ(idle->Value("osteoflow_redis_command_seconds_count", store_role), commands_before)
      << "store commands counted while nobody called";

  const auto stub = screening_v1::ScreeningService::NewStub(ChannelTo(**screening));
  CallTally tally;
  const auto validate = [&](const screening_v1::Intake& intake) {
    screening_v1::ValidateIntakeRequest request;
    *request.mutable_intake() = intake;
    screening_v1::ValidateIntakeResponse response;
    return tally.Add(kScreeningService, "ValidateIntake", stub->ValidateIntake(Context().get(), request, &response));
  };
  const screening_v1::Intake intake = IntakeFor("osteopenia-no-fractures.json", "metrics-screened-1");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(validate(intake), grpc::StatusCode::OK);
  EXPECT_EQ(validate(screening_v1::Intake()), grpc::StatusCode::INVALID_ARGUMENT);

  std::vector<std::string> names;
  const auto screen = [&](const std::string& request_id) {
    screening_v1::ScreenRequest request;
    request.set_request_id(request_id);
    *request.mutable_intake() = intake;
    screening_v1::Screening screened;
    const grpc::StatusCode code =
        tally.Add(kScreeningService, "Screen", stub->Screen(Context().get(), request, &screened));
    if (code == grpc::StatusCode::OK) names.push_back(screened.name());
    return code;
  };
  EXPECT_EQ(screen("metrics-screen-1"), grpc::StatusCode::OK);
  EXPECT_EQ(screen("metrics-screen-2"), grpc::StatusCode::OK);
  EXPECT_EQ(screen(""), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(names.size(), 2u);

  const auto get = [&](const std::string& name) {
    screening_v1::GetScreeningRequest request;
    request.set_name(name);
    screening_v1::Screening found;
    return tally.Add(kScreeningService, "GetScreening", stub->GetScreening(Context().get(), request, &found));
  };
  EXPECT_EQ(get(names[0]), grpc::StatusCode::OK);
  EXPECT_EQ(get("patients/metrics-screened-1/screenings/none-such"), grpc::StatusCode::NOT_FOUND);
  screening_v1::ListScreeningsRequest list_request;
  list_request.set_parent("patients/metrics-screened-1");
  screening_v1::ListScreeningsResponse listed;
  EXPECT_EQ(tally.Add(kScreeningService, "ListScreenings",
                      stub->ListScreenings(Context().get(), list_request, &listed)),
            grpc::StatusCode::OK);
  EXPECT_EQ(listed.screenings_size(), 2);

  absl::StatusOr<Exposition> scraped = ScrapeOf(**screening);
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  ExpectCallSeries(*scraped, "server", kScreeningService, tally);
  // Two screenings stored, two reads and a listing: at least one command each.
  const std::optional<double> commands_after = scraped->Value("osteoflow_redis_command_seconds_count", store_role);
  ASSERT_TRUE(commands_after.has_value());
  EXPECT_GE(*commands_after - *commands_before, 5) << "store commands of the calls were not all timed";
  ExpectCumulativeHistogram(*scraped, "osteoflow_redis_command_seconds", store_role, DocumentedBuckets());
  // (Refusals: AStoreScriptRedisHasNotCachedYetIsNoRefusal.)
  for (const char* kind : {"timeout", "unavailable"}) {
    EXPECT_EQ(scraped->Value("osteoflow_redis_errors_total", {{"role", "store"}, {"kind", kind}}), 0) << kind;
  }
  // Every call is over: the pool's connections are all idle again.
  EXPECT_EQ(scraped->Value("osteoflow_redis_pool_connections", {{"role", "store"}, {"state", "in_use"}}), 0);
  EXPECT_GE(scraped->Value("osteoflow_redis_pool_connections", {{"role", "store"}, {"state", "idle"}}).value_or(0), 1);
  EXPECT_EQ(scraped->Value("osteoflow_dependency_up", {{"dependency", "store"}}), 1);
  ExpectPromtoolPasses(**screening, "screening");
}

// Latencies are in seconds, at both ends: a catalog that holds every answer
// back 1.2 s shows it in the catalog's histogram and in the one of the
// scheduling service that fetched from it.
TEST(MetricsEndpoint, HandlingSecondsAreSeconds) {
  auto cache = testing::RedisServer::Start();
  ASSERT_TRUE(cache.ok()) << cache.status();
  auto catalog = testing::StartCatalogServer({testing::kMetricsOnAnyLoopbackPort, "--test_response_delay=1200ms"});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auto scheduling = testing::StartSchedulingServer(
      (*catalog)->address(), "127.0.0.1:1", (*cache)->port(),
      {testing::kMetricsOnAnyLoopbackPort, "--catalog_check_interval=1m", "--catalog_refresh_interval=24h",
       "--catalog_deadline=30s"});
  ASSERT_TRUE(scheduling.ok()) << scheduling.status();
  // The first fetch: two calls, each held back.
  const Exposition fetched = ScrapeUntil(**scheduling, [](const Exposition& metrics) {
    return metrics.Value("osteoflow_dependency_up", {{"dependency", "catalog"}}) == 1;
  }, absl::Seconds(30));
  ASSERT_EQ(fetched.Value("osteoflow_dependency_up", {{"dependency", "catalog"}}), 1);
  absl::StatusOr<Exposition> served = ScrapeOf(**catalog);
  ASSERT_TRUE(served.ok()) << served.status();
  const Exposition& catalog_metrics = *served;
  for (const auto& [metrics, side] :
       {std::pair{&fetched, "client"}, std::pair{&catalog_metrics, "server"}}) {
    for (const char* method : {"GetCatalogInfo", "GetCatalogDocument"}) {
      SCOPED_TRACE(absl::StrCat(side, " ", method));
      const Labels labels = CallLabels(kCatalogService, method);
      const std::string seconds = absl::StrCat("grpc_", side, "_handling_seconds");
      EXPECT_EQ(metrics->Value(seconds + "_count", labels), 1);
      EXPECT_EQ(metrics->Value(seconds + "_bucket", With(labels, "le", "1")), 0) << "faster than it was held back";
      const double sum = metrics->Value(seconds + "_sum", labels).value_or(0);
      EXPECT_GE(sum, 1.2);
      EXPECT_LT(sum, 60) << "not in seconds";
    }
  }
}

// A store script is sent by its SHA-1 first; a Redis that has not seen it yet
// (a fresh or restarted one) answers NOSCRIPT, and the script's text follows.
// Nothing failed, and a refusal counted here would look the same on a
// dashboard as a command Redis really refused.
TEST(MetricsEndpoint, AStoreScriptRedisHasNotCachedYetIsNoRefusal) {
  auto store = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(store.ok()) << store.status();
  auto screening = testing::StartScreeningServer((*store)->port(), {testing::kMetricsOnAnyLoopbackPort});
  ASSERT_TRUE(screening.ok()) << screening.status();
  const auto stub = screening_v1::ScreeningService::NewStub(ChannelTo(**screening));
  // Listing runs a script: the first time on this Redis, then again.
  for (int i = 0; i < 2; ++i) {
    screening_v1::ListScreeningsRequest request;
    request.set_parent("patients/metrics-listed-1");
    screening_v1::ListScreeningsResponse listed;
    const grpc::Status status = stub->ListScreenings(Context().get(), request, &listed);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  absl::StatusOr<Exposition> scraped = ScrapeOf(**screening);
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  EXPECT_EQ(scraped->Value("osteoflow_redis_errors_total", {{"role", "store"}, {"kind", "refused"}}), 0)
      << "two listings that both succeeded counted a refused store command: the NOSCRIPT answer to the first "
         "EVALSHA (the script was not cached by this Redis yet; RedisScript then sends it with EVAL) is counted "
         "in osteoflow_redis_errors_total{kind=\"refused\"}";
  EXPECT_EQ(scraped->Sum("osteoflow_redis_errors_total", {{"role", "store"}}),
            scraped->Value("osteoflow_redis_errors_total", {{"role", "store"}, {"kind", "refused"}}).value_or(0));
}

// Scheduling serves plans and calls the catalog (and screening, for a plan
// asked for by screening name); each side counts what the other served.
class SchedulingMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = testing::RedisServer::Start({.durable = true});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto cache = testing::RedisServer::Start();
    ASSERT_TRUE(cache.ok()) << cache.status();
    cache_ = *std::move(cache);
    auto catalog = testing::StartCatalogServer({testing::kMetricsOnAnyLoopbackPort});
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = *std::move(catalog);
    auto screening = testing::StartScreeningServer(store_->port(), {testing::kMetricsOnAnyLoopbackPort});
    ASSERT_TRUE(screening.ok()) << screening.status();
    screening_ = *std::move(screening);
  }

  // A scheduling service on the shared peers. Readiness looks for the
  // catalog once at start and the held catalog is not checked again during
  // the test: the catalog calls it makes are exactly the first fetch (given
  // time enough on a busy machine, since it is not retried for a minute).
  std::unique_ptr<testing::ServiceProcess> StartScheduling(std::vector<std::string> args = {}) {
    args.insert(args.begin(), {testing::kMetricsOnAnyLoopbackPort, "--catalog_check_interval=1m",
                               "--catalog_refresh_interval=24h", "--catalog_deadline=20s"});
    auto scheduling = testing::StartSchedulingServer(catalog_->address(), screening_->address(), cache_->port(),
                                                     std::move(args));
    EXPECT_TRUE(scheduling.ok()) << scheduling.status();
    if (!scheduling.ok()) return nullptr;
    const Exposition ready = ScrapeUntil(**scheduling, [](const Exposition& metrics) {
      return metrics.Value("osteoflow_dependency_up", {{"dependency", "catalog"}}) == 1;
    });
    EXPECT_EQ(ready.Value("osteoflow_dependency_up", {{"dependency", "catalog"}}), 1);
    return *std::move(scheduling);
  }

  static grpc::StatusCode Build(CallTally& tally, scheduling_v1::SchedulingService::Stub& stub,
                                const scheduling_v1::BuildWeeklyPlanRequest& request,
                                scheduling_v1::WeeklyPlan* plan = nullptr) {
    scheduling_v1::WeeklyPlan ignored;
    return tally.Add(kSchedulingService, "BuildWeeklyPlan",
                     stub.BuildWeeklyPlan(Context().get(), request, plan == nullptr ? &ignored : plan));
  }

  std::unique_ptr<testing::RedisServer> store_;
  std::unique_ptr<testing::RedisServer> cache_;
  std::unique_ptr<testing::ServiceProcess> catalog_;
  std::unique_ptr<testing::ServiceProcess> screening_;
};

TEST_F(SchedulingMetricsTest, CountsPlansServedAndTheCatalogAndScreeningCallsItMakes) {
  std::unique_ptr<testing::ServiceProcess> scheduling = StartScheduling();
  ASSERT_NE(scheduling, nullptr);
  const auto stub = scheduling_v1::SchedulingService::NewStub(ChannelTo(*scheduling));
  CallTally served;

  // A miss, then a hit of the same plan (in Redis: StartSchedulingServer
  // keeps no plans in the process's memory).
  scheduling_v1::WeeklyPlan plan;
  ASSERT_EQ(Build(served, *stub, InlinePlanRequest("metrics-planned-1"), &plan), grpc::StatusCode::OK);
  absl::StatusOr<Exposition> after_miss = ScrapeOf(*scheduling);
  ASSERT_TRUE(after_miss.ok()) << after_miss.status();
  EXPECT_EQ(after_miss->Value("osteoflow_plan_cache_lookups_total", {{"result", "miss"}}), 1);
  EXPECT_EQ(after_miss->Value("osteoflow_plan_cache_lookups_total", {{"result", "hit"}}), 0);
  EXPECT_EQ(after_miss->Value("osteoflow_plans_computed_total"), 1);
  EXPECT_EQ(after_miss->Value("osteoflow_plan_build_seconds_count"), 1);
  ASSERT_EQ(Build(served, *stub, InlinePlanRequest("metrics-planned-1")), grpc::StatusCode::OK);
  absl::StatusOr<Exposition> after_hit = ScrapeOf(*scheduling);
  ASSERT_TRUE(after_hit.ok()) << after_hit.status();
  EXPECT_EQ(after_hit->Value("osteoflow_plan_cache_lookups_total", {{"result", "miss"}}), 1);
  EXPECT_EQ(after_hit->Value("osteoflow_plan_cache_lookups_total", {{"result", "hit"}}), 1);
  EXPECT_EQ(after_hit->Value("osteoflow_plan_cache_lookups_total", {{"result", "memory_hit"}}), 0);
  EXPECT_EQ(after_hit->Value("osteoflow_plan_cache_lookups_total", {{"result", "failure"}}), 0);
  EXPECT_EQ(after_hit->Value("osteoflow_plans_computed_total"), 1);

  // Refused before any work, and a referral.
  EXPECT_EQ(Build(served, *stub, scheduling_v1::BuildWeeklyPlanRequest()), grpc::StatusCode::INVALID_ARGUMENT);
  scheduling_v1::BuildWeeklyPlanRequest bad_week = InlinePlanRequest("metrics-planned-1");
  bad_week.set_week_index(0);
  EXPECT_EQ(Build(served, *stub, bad_week), grpc::StatusCode::INVALID_ARGUMENT);
  scheduling_v1::BuildWeeklyPlanRequest refer = InlinePlanRequest("metrics-planned-1");
  refer.mutable_screening_result()->set_outcome(screening_v1::OUTCOME_REFER);
  EXPECT_EQ(Build(served, *stub, refer), grpc::StatusCode::FAILED_PRECONDITION);

  // A plan by screening name: scheduling asks screening for it. The test's
  // own calls to screening are counted apart from scheduling's.
  CallTally direct_to_screening;
  const auto screening_stub = screening_v1::ScreeningService::NewStub(ChannelTo(*screening_));
  screening_v1::ScreenRequest screen_request;
  screen_request.set_request_id("metrics-plan-by-name");
  *screen_request.mutable_intake() = IntakeFor("osteopenia-no-fractures.json", "metrics-planned-2");
  screening_v1::Screening screened;
  ASSERT_EQ(direct_to_screening.Add(kScreeningService, "Screen",
                                    screening_stub->Screen(Context().get(), screen_request, &screened)),
            grpc::StatusCode::OK);
  scheduling_v1::BuildWeeklyPlanRequest by_name = InlinePlanRequest("metrics-planned-2");
  by_name.set_screening(screened.name());
  EXPECT_EQ(Build(served, *stub, by_name), grpc::StatusCode::OK);
  scheduling_v1::BuildWeeklyPlanRequest by_unknown_name = by_name;
  by_unknown_name.set_screening("patients/metrics-planned-2/screenings/none-such");
  const grpc::StatusCode unknown_name_code = Build(served, *stub, by_unknown_name);
  EXPECT_NE(unknown_name_code, grpc::StatusCode::OK);
  CallTally via_scheduling;
  via_scheduling.AddCount(kScreeningService, "GetScreening", grpc::StatusCode::OK, 1);
  via_scheduling.AddCount(kScreeningService, "GetScreening", grpc::StatusCode::NOT_FOUND, 1);

  // Plans read back: one cached, one never built.
  const auto get = [&](const std::string& name) {
    scheduling_v1::GetWeeklyPlanRequest request;
    request.set_name(name);
    scheduling_v1::WeeklyPlan got;
    return served.Add(kSchedulingService, "GetWeeklyPlan", stub->GetWeeklyPlan(Context().get(), request, &got));
  };
  EXPECT_EQ(get(plan.name()), grpc::StatusCode::OK);
  EXPECT_EQ(get("plans/" + std::string(32, '0')), grpc::StatusCode::NOT_FOUND);

  absl::StatusOr<Exposition> metrics = ScrapeOf(*scheduling);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  ExpectCallSeries(*metrics, "server", kSchedulingService, served);

  // The catalog calls of the first fetch, seen from both ends.
  CallTally fetched;
  fetched.AddCount(kCatalogService, "GetCatalogInfo", grpc::StatusCode::OK, 1);
  fetched.AddCount(kCatalogService, "GetCatalogDocument", grpc::StatusCode::OK, 1);
  ExpectCallSeries(*metrics, "client", kCatalogService, fetched);
  absl::StatusOr<Exposition> catalog_metrics = ScrapeOf(*catalog_);
  ASSERT_TRUE(catalog_metrics.ok()) << catalog_metrics.status();
  ExpectCallSeries(*catalog_metrics, "server", kCatalogService, fetched);

  // The screening calls, seen from both ends.
  ExpectCallSeries(*metrics, "client", kScreeningService, via_scheduling);
  absl::StatusOr<Exposition> screening_metrics = ScrapeOf(*screening_);
  ASSERT_TRUE(screening_metrics.ok()) << screening_metrics.status();
  CallTally screening_served = via_scheduling;
  screening_served.AddCount(kScreeningService, "Screen", grpc::StatusCode::OK, 1);
  ExpectCallSeries(*screening_metrics, "server", kScreeningService, screening_served);

  // Two plans computed in all (the by-name plan is a second miss).
  EXPECT_EQ(metrics->Value("osteoflow_plan_cache_lookups_total", {{"result", "miss"}}), 2);
  EXPECT_EQ(metrics->Value("osteoflow_plans_computed_total"), 2);
  EXPECT_EQ(metrics->Value("osteoflow_dependency_up", {{"dependency", "catalog"}}), 1);
  ExpectPromtoolPasses(*scheduling, "scheduling");
}

TEST_F(SchedulingMetricsTest, PlanCacheLookupsAreCountedByResult) {
  // Two replicas on one cache, each keeping recent plans in memory too.
  std::unique_ptr<testing::ServiceProcess> first = StartScheduling({"--cache_memory_bytes=1048576"});
  ASSERT_NE(first, nullptr);
  std::unique_ptr<testing::ServiceProcess> second = StartScheduling({"--cache_memory_bytes=1048576"});
  ASSERT_NE(second, nullptr);
  const auto first_stub = scheduling_v1::SchedulingService::NewStub(ChannelTo(*first));
  const auto second_stub = scheduling_v1::SchedulingService::NewStub(ChannelTo(*second));
  CallTally ignored;
  const auto lookups = [](const Exposition& metrics, const char* result) {
    return metrics.Value("osteoflow_plan_cache_lookups_total", {{"result", result}});
  };

  // The first replica computes it (a miss); the second finds it in Redis
  // (a hit), then in its memory (a memory hit).
  ASSERT_EQ(Build(ignored, *first_stub, InlinePlanRequest("metrics-cached-1")), grpc::StatusCode::OK);
  ASSERT_EQ(Build(ignored, *second_stub, InlinePlanRequest("metrics-cached-1")), grpc::StatusCode::OK);
  ASSERT_EQ(Build(ignored, *second_stub, InlinePlanRequest("metrics-cached-1")), grpc::StatusCode::OK);
  // With the cache gone, the first replica computes another plan without it.
  cache_->Kill();
  ASSERT_EQ(Build(ignored, *first_stub, InlinePlanRequest("metrics-cached-1", 40)), grpc::StatusCode::OK);

  absl::StatusOr<Exposition> first_metrics = ScrapeOf(*first);
  ASSERT_TRUE(first_metrics.ok()) << first_metrics.status();
  EXPECT_EQ(lookups(*first_metrics, "miss"), 1);
  EXPECT_EQ(lookups(*first_metrics, "failure"), 1);
  EXPECT_EQ(lookups(*first_metrics, "hit"), 0);
  EXPECT_EQ(lookups(*first_metrics, "memory_hit"), 0);
  EXPECT_EQ(first_metrics->Value("osteoflow_plans_computed_total"), 2);
  EXPECT_GE(first_metrics->Sum("osteoflow_redis_errors_total", {{"role", "cache"}}), 1)
      << "the failed cache commands were not counted";
  EXPECT_EQ(first_metrics->Value("osteoflow_redis_errors_total", {{"role", "cache"}, {"kind", "refused"}}), 0);

  absl::StatusOr<Exposition> second_metrics = ScrapeOf(*second);
  ASSERT_TRUE(second_metrics.ok()) << second_metrics.status();
  EXPECT_EQ(lookups(*second_metrics, "miss"), 0);
  EXPECT_EQ(lookups(*second_metrics, "hit"), 1);
  EXPECT_EQ(lookups(*second_metrics, "memory_hit"), 1);
  EXPECT_EQ(lookups(*second_metrics, "failure"), 0);
  EXPECT_EQ(second_metrics->Value("osteoflow_plans_computed_total"), 0);
  EXPECT_EQ(second_metrics->Value("osteoflow_plan_build_seconds_count"), 0);
}

// Progress on the whole suite: its own calls, and the calls it makes to
// screening and scheduling, which count them again as served. The test
// calls neither peer itself, so each side must count the same.
TEST(MetricsEndpoint, ProgressCountsItsCallsAndThePeerCallsItMakes) {
  testing::LocalSuite::Options options;
  options.metrics = true;
  auto suite = testing::LocalSuite::Start(options);
  ASSERT_TRUE(suite.ok()) << suite.status();
  for (const testing::ServiceProcess* service : (*suite)->services()) ASSERT_GT(service->metrics_port(), 0);
  const auto stub = progress_v1::ProgressService::NewStub(ChannelTo(*(*suite)->progress));
  CallTally served;

  const auto enroll = [&](const std::string& sample, const std::string& patient, const std::string& request_id,
                          progress_v1::Program* program) {
    progress_v1::EnrollRequest request;
    request.set_request_id(request_id);
    *request.mutable_intake() = IntakeFor(sample, patient);
    *request.mutable_preferences() = SamplePreferences(sample);
    request.set_start_date("2026-11-23");
    return served.Add(kProgressService, "Enroll", stub->Enroll(Context().get(), request, program));
  };
  progress_v1::Program first;
  progress_v1::Program second;
  progress_v1::Program referred;
  progress_v1::Program unused;
  ASSERT_EQ(enroll("osteopenia-no-fractures.json", "metrics-enrolled-1", "metrics-enrol-1", &first),
            grpc::StatusCode::OK);
  ASSERT_EQ(enroll("osteopenia-runner.json", "metrics-enrolled-2", "metrics-enrol-2", &second),
            grpc::StatusCode::OK);
  ASSERT_EQ(enroll("red-flag-chest-pain.json", "metrics-enrolled-3", "metrics-enrol-3", &referred),
            grpc::StatusCode::OK);
  ASSERT_EQ(referred.state(), progress_v1::PROGRAM_STATE_REFERRED);
  EXPECT_EQ(enroll("osteopenia-no-fractures.json", "metrics-enrolled-4", "", &unused),
            grpc::StatusCode::INVALID_ARGUMENT);

  const auto log = [&](const std::string& program, const std::string& request_id) {
    progress_v1::LogSessionRequest request;
    request.set_program(program);
    request.set_request_id(request_id);
    request.mutable_session()->set_date("2026-11-23");
    progress_v1::SessionLog logged;
    return served.Add(kProgressService, "LogSession", stub->LogSession(Context().get(), request, &logged));
  };
  EXPECT_EQ(log(first.name(), "metrics-log-1"), grpc::StatusCode::OK);
  EXPECT_EQ(log(second.name(), "metrics-log-2"), grpc::StatusCode::OK);
  EXPECT_EQ(log(first.name(), ""), grpc::StatusCode::INVALID_ARGUMENT);

  const auto progress = [&](const std::string& program) {
    progress_v1::GetProgressRequest request;
    request.set_program(program);
    progress_v1::ProgressReport report;
    return served.Add(kProgressService, "GetProgress", stub->GetProgress(Context().get(), request, &report));
  };
  EXPECT_EQ(progress(first.name()), grpc::StatusCode::OK);
  EXPECT_EQ(progress(second.name()), grpc::StatusCode::OK);

  const auto get = [&](const std::string& name) {
    progress_v1::GetProgramRequest request;
    request.set_name(name);
    progress_v1::Program program;
    return served.Add(kProgressService, "GetProgram", stub->GetProgram(Context().get(), request, &program));
  };
  EXPECT_EQ(get(first.name()), grpc::StatusCode::OK);
  EXPECT_EQ(get("patients/metrics-enrolled-1/programs/none-such"), grpc::StatusCode::NOT_FOUND);
  progress_v1::ListProgramsRequest list_request;
  list_request.set_parent("patients/metrics-enrolled-1");
  progress_v1::ListProgramsResponse listed;
  EXPECT_EQ(served.Add(kProgressService, "ListPrograms", stub->ListPrograms(Context().get(), list_request, &listed)),
            grpc::StatusCode::OK);

  const auto advance = [&](const std::string& program, const std::string& request_id) {
    progress_v1::AdvanceWeekRequest request;
    request.set_program(program);
    request.set_request_id(request_id);
    progress_v1::Program advanced;
    return served.Add(kProgressService, "AdvanceWeek", stub->AdvanceWeek(Context().get(), request, &advanced));
  };
  EXPECT_EQ(advance(first.name(), "metrics-advance-1"), grpc::StatusCode::OK);
  EXPECT_EQ(advance(referred.name(), "metrics-advance-3"), grpc::StatusCode::FAILED_PRECONDITION);

  absl::StatusOr<Exposition> progress_metrics = ScrapeOf(*(*suite)->progress);
  ASSERT_TRUE(progress_metrics.ok()) << progress_metrics.status();
  ExpectCallSeries(*progress_metrics, "server", kProgressService, served);

  // What progress asked of its peers: a preview and a stored screening per
  // valid enrolment, a plan per enrolment that was not referred and per week
  // advanced. Each peer served exactly what progress counted as made.
  CallTally made;
  made.AddCount(kScreeningService, "ValidateIntake", grpc::StatusCode::OK, 3);
  made.AddCount(kScreeningService, "Screen", grpc::StatusCode::OK, 3);
  made.AddCount(kSchedulingService, "BuildWeeklyPlan", grpc::StatusCode::OK, 3);
  ExpectCallSeries(*progress_metrics, "client", kScreeningService, made);
  ExpectCallSeries(*progress_metrics, "client", kSchedulingService, made);
  absl::StatusOr<Exposition> screening_metrics = ScrapeOf(*(*suite)->screening);
  ASSERT_TRUE(screening_metrics.ok()) << screening_metrics.status();
  ExpectCallSeries(*screening_metrics, "server", kScreeningService, made);
  absl::StatusOr<Exposition> scheduling_metrics = ScrapeOf(*(*suite)->scheduling);
  ASSERT_TRUE(scheduling_metrics.ok()) << scheduling_metrics.status();
  ExpectCallSeries(*scheduling_metrics, "server", kSchedulingService, made);

  // Progress and screening read and write the store; only they say so.
  EXPECT_EQ(progress_metrics->Value("osteoflow_dependency_up", {{"dependency", "store"}}), 1);
  EXPECT_GE(progress_metrics->Value("osteoflow_redis_command_seconds_count", {{"role", "store"}}).value_or(0), 5);
  const std::array<const char*, 4> names = {"catalog", "screening", "scheduling", "progress"};
  const std::vector<testing::ServiceProcess*> services = (*suite)->services();
  for (size_t i = 0; i < services.size(); ++i) ExpectPromtoolPasses(*services[i], names[i]);
}

// ---------------------------------------------------------------------------
// Methods nobody serves.

TEST(MetricsEndpoint, CallsToMethodsNobodyServesAreCountedUnderUnknownWithoutNewSeries) {
  auto catalog = testing::StartCatalogServer({testing::kMetricsOnAnyLoopbackPort});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const auto channel = ChannelTo(**catalog);
  absl::StatusOr<Exposition> before = ScrapeOf(**catalog);
  ASSERT_TRUE(before.ok()) << before.status();
  const Labels unknown = CallLabels("unknown", "unknown", "unknown");
  const Labels unimplemented = With(unknown, "grpc_code", "Unimplemented");
  EXPECT_EQ(before->Value("grpc_server_handled_total", unimplemented), 0)
      << "the unknown method's series should exist from start";

  EXPECT_EQ(testing::SendRawBytes(channel, "/osteoflow.invented.v1.Nothing/Anything", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  absl::StatusOr<Exposition> one = ScrapeOf(**catalog);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->Value("grpc_server_handled_total", unimplemented), 1);
  EXPECT_EQ(one->Value("grpc_server_started_total", unknown), 1);
  EXPECT_EQ(one->Value("grpc_server_handling_seconds_count", unknown), 1);
  EXPECT_EQ(one->SeriesCount(), before->SeriesCount());

  // A hundred more invented paths, some under a real service's name.
  std::vector<std::string> invented;
  for (int i = 0; i < 100; ++i) {
    invented.push_back(i % 4 == 0 ? absl::StrCat("/", kCatalogService, "/Invented", i)
                                  : absl::StrCat("/osteoflow.invented", i, ".v1.Service", i, "/Method", i));
  }
  for (const std::string& path : invented) {
    EXPECT_EQ(testing::SendRawBytes(channel, path, "").error_code(), grpc::StatusCode::UNIMPLEMENTED) << path;
  }
  absl::StatusOr<Exposition> after = ScrapeOf(**catalog);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->Value("grpc_server_handled_total", unimplemented), 101);
  EXPECT_EQ(after->Value("grpc_server_started_total", unknown), 101);
  EXPECT_EQ(after->SeriesCount(), before->SeriesCount()) << "invented paths made series of their own";
  const std::set<std::string> values = after->LabelValues();
  for (const std::string& path : invented) {
    const std::vector<std::string> parts = absl::StrSplit(path, '/', absl::SkipEmpty());
    for (const std::string& part : parts) {
      if (part == kCatalogService) continue;
      EXPECT_FALSE(values.contains(part)) << "a label value names the invented " << part;
    }
  }
  // The contract's own series did not move.
  ExpectCallSeries(*after, "server", kCatalogService, CallTally());
  ExpectPromtoolPasses(**catalog, "catalog");
}

// ---------------------------------------------------------------------------
// The setting.

struct BinaryUnderTest {
  const char* name;
  std::string binary;
  std::vector<std::string> args;  // what it needs to start, on loopback
};

std::vector<BinaryUnderTest> AllFour() {
  const std::string nowhere = absl::StrCat("127.0.0.1:", testing::PickFreePort());
  return {
      {"catalog", testing::BinaryPath("services/catalog/osteoflow-catalog"),
       {"--listen_address=127.0.0.1:0", "--catalog_file=" + testing::ShippedCatalogPath()}},
      {"screening", testing::BinaryPath("services/screening/osteoflow-screening"),
       {"--listen_address=127.0.0.1:0", "--store_address=" + nowhere,
        "--rule_set_file=" + testing::ShippedRuleSetPath()}},
      {"scheduling", testing::BinaryPath("services/scheduling/osteoflow-scheduling"),
       {"--listen_address=127.0.0.1:0", "--plan_rules_file=" + testing::ShippedPlanRulesPath(),
        "--catalog_address=" + nowhere, "--screening_address=" + nowhere, "--cache_address=" + nowhere}},
      {"progress", testing::BinaryPath("services/progress/osteoflow-progress"),
       {"--listen_address=127.0.0.1:0", "--store_address=" + nowhere, "--screening_address=" + nowhere,
        "--scheduling_address=" + nowhere, "--progression_rules_file=" + testing::ShippedProgressionRulesPath()}},
  };
}

TEST(MetricsEndpoint, AMetricsAddressInUseStopsTheServiceWithExitCodeOne) {
  testing::SilentListener taken;
  for (const BinaryUnderTest& service : AllFour()) {
    std::vector<std::string> args = service.args;
    args.push_back("--metrics_address=" + taken.address());
    absl::StatusOr<testing::ProcessResult> result = testing::RunToExit(service.binary, args, {}, absl::Seconds(20));
    ASSERT_TRUE(result.ok()) << service.name << ": " << result.status();
    EXPECT_EQ(result->exit_code, 1) << service.name << ":\n" << result->output;
    EXPECT_THAT(result->output, HasSubstr("metrics_address")) << service.name;
    EXPECT_THAT(result->output, ::testing::Not(HasSubstr("\"serving\""))) << service.name;
  }
}

TEST(MetricsEndpoint, AnInvalidMetricsAddressIsRefusedWithExitCodeTwo) {
  for (const BinaryUnderTest& service : AllFour()) {
    SCOPED_TRACE(service.name);
    testing::ExpectSettingsRefused(service.binary, service.args,
                                   {{"--metrics_address=nonsense", "metrics_address"},
                                    {"--metrics_address=127.0.0.1:99999", "metrics_address"},
                                    {"--metrics_address=127.0.0.1:", "metrics_address"}});
  }
}

TEST(MetricsEndpoint, WithoutTheSettingThereIsNoMetricsPort) {
  auto catalog = testing::StartCatalogServer();
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ((*catalog)->metrics_port(), 0);
  EXPECT_THAT((*catalog)->Log(), HasSubstr("\"metrics_port\":0"));
  // And with it, the serving line names the port that answers.
  auto with = testing::StartCatalogServer({testing::kMetricsOnAnyLoopbackPort});
  ASSERT_TRUE(with.ok()) << with.status();
  ASSERT_GT((*with)->metrics_port(), 0);
  EXPECT_THAT((*with)->Log(), HasSubstr(absl::StrCat("\"metrics_port\":", (*with)->metrics_port())));
  absl::StatusOr<testing::HttpResponse> answer = testing::HttpGet((*with)->metrics_port(), "/metrics");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status, 200);
  EXPECT_THAT(answer->headers, HasSubstr("text/plain"));
}

// ---------------------------------------------------------------------------
// Dependencies, data and build, and a store outage.

// The "version" a shipped JSON data file declares.
std::string DeclaredVersion(const std::string& path) {
  google::protobuf::Struct document;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(ReadText(path), &document, options).ok()) << path;
  const auto& fields = document.fields();
  return fields.contains("version") ? fields.at("version").string_value() : "";
}

// The text fields of the JSON log lines of `event`, oldest first.
using LogLineFields = std::map<std::string, std::string>;
std::vector<LogLineFields> LogLines(const std::string& log, const std::string& event) {
  std::vector<LogLineFields> found;
  for (const absl::string_view text : absl::StrSplit(log, '\n')) {
    google::protobuf::Struct line;
    if (!google::protobuf::util::JsonStringToMessage(std::string(text), &line).ok()) continue;
    const auto& fields = line.fields();
    if (!fields.contains("event") || fields.at("event").string_value() != event) continue;
    LogLineFields texts;
    for (const auto& [name, value] : fields) texts[name] = value.string_value();
    found.push_back(std::move(texts));
  }
  return found;
}

TEST(MetricsEndpoint, EveryServiceNamesItsBuildItsDataAndItsDependencies) {
  testing::LocalSuite::Options options;
  options.metrics = true;
  auto suite = testing::LocalSuite::Start(options);
  ASSERT_TRUE(suite.ok()) << suite.status();
  const std::string source = OSTEOFLOW_SOURCE_DIR;
  struct Expected {
    const char* service;
    testing::ServiceProcess* process;
    const char* data;
    const char* loaded_event;  // the log line naming the data loaded
    std::string data_file;
    std::string digest_file;
    std::vector<std::string> dependencies;
  };
  const std::vector<Expected> expected = {
      {"catalog", (*suite)->catalog.get(), "catalog", "catalog_loaded", testing::ShippedCatalogPath(),
       source + "/services/catalog/data/catalog.digest", {}},
      {"screening", (*suite)->screening.get(), "screening_rules", "rule_set_loaded", testing::ShippedRuleSetPath(),
       source + "/services/screening/data/rules.digest", {"store"}},
      {"scheduling", (*suite)->scheduling.get(), "plan_rules", "plan_rules_loaded", testing::ShippedPlanRulesPath(),
       source + "/services/scheduling/data/plan_rules.digest", {"catalog"}},
      {"progress", (*suite)->progress.get(), "progression_rules", "progression_rules_loaded",
       testing::ShippedProgressionRulesPath(),
       source + "/services/progress/data/progression_rules.digest", {"store"}},
  };
  for (const Expected& want : expected) {
    SCOPED_TRACE(want.service);
    const Exposition metrics = ScrapeUntil(*want.process, [&](const Exposition& scraped) {
      for (const std::string& dependency : want.dependencies) {
        if (scraped.Value("osteoflow_dependency_up", {{"dependency", dependency}}) != 1) return false;
      }
      return true;
    });
    EXPECT_EQ(
        metrics.Value("osteoflow_build_info", {{"service", want.service}, {"version", OSTEOFLOW_PROJECT_VERSION}}), 1);
    EXPECT_EQ(metrics.Matching("osteoflow_build_info").size(), 1u);

    // The shipped file's version (rule sets add their digest's first hex
    // digits to it, "2026.12.2+4eeee7ece07d", as their results name it) and
    // the digest recorded for that version.
    const std::string declared = DeclaredVersion(want.data_file);
    ASSERT_FALSE(declared.empty()) << want.data_file;
    const std::string digest = testing::RecordedDigest(want.digest_file, declared);
    ASSERT_FALSE(digest.empty()) << want.digest_file << " has no digest for " << declared;
    const std::vector<const testing::Sample*> data = metrics.Matching("osteoflow_data_version_info");
    ASSERT_EQ(data.size(), 1u);
    EXPECT_EQ(data[0]->value, 1);
    const std::string version = data[0]->labels.at("version");
    EXPECT_EQ(data[0]->labels, (Labels{{"data", want.data}, {"version", version}, {"digest", digest}}));
    EXPECT_THAT(version, ::testing::AnyOf(declared, absl::StrCat(declared, "+", digest.substr(7, 12))));
    const std::vector<LogLineFields> loaded = LogLines(want.process->Log(), want.loaded_event);
    ASSERT_EQ(loaded.size(), 1u) << want.loaded_event;
    EXPECT_EQ(version, loaded[0].at("version")) << "not the version the service says it loaded";
    EXPECT_EQ(digest, loaded[0].at("content_digest"));

    std::vector<std::string> dependencies;
    for (const testing::Sample* up : metrics.Matching("osteoflow_dependency_up")) {
      dependencies.push_back(up->labels.at("dependency"));
      EXPECT_EQ(up->value, 1) << up->labels.at("dependency");
    }
    EXPECT_THAT(dependencies, ::testing::UnorderedElementsAreArray(want.dependencies));
  }
  // Only the services with a Redis pool time its commands, each under its role.
  for (testing::ServiceProcess* service : {(*suite)->screening.get(), (*suite)->progress.get()}) {
    absl::StatusOr<Exposition> metrics = ScrapeOf(*service);
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    EXPECT_EQ(metrics->Value("osteoflow_redis_pool_max_connections", {{"role", "store"}}), 16);
  }
  absl::StatusOr<Exposition> scheduling = ScrapeOf(*(*suite)->scheduling);
  ASSERT_TRUE(scheduling.ok()) << scheduling.status();
  EXPECT_EQ(scheduling->Value("osteoflow_redis_pool_max_connections", {{"role", "cache"}}), 16);
  absl::StatusOr<Exposition> catalog = ScrapeOf(*(*suite)->catalog);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_TRUE(catalog->Matching("osteoflow_redis_command_seconds_count").empty());
}

TEST(MetricsEndpoint, AStoreOutageShowsInErrorsAndDependencyUp) {
  testing::LocalSuite::Options options;
  options.metrics = true;
  auto suite = testing::LocalSuite::Start(options);
  ASSERT_TRUE(suite.ok()) << suite.status();
  testing::ServiceProcess& progress = *(*suite)->progress;
  testing::ServiceProcess& screening = *(*suite)->screening;
  const auto store_up = [](double want) {
    return [want](const Exposition& metrics) {
      return metrics.Value("osteoflow_dependency_up", {{"dependency", "store"}}) == want;
    };
  };
  const auto store_errors = [](const Exposition& metrics) {
    return metrics.Value("osteoflow_redis_errors_total", {{"role", "store"}, {"kind", "unavailable"}}).value_or(0) +
           metrics.Value("osteoflow_redis_errors_total", {{"role", "store"}, {"kind", "timeout"}}).value_or(0);
  };
  const Exposition progress_before = ScrapeUntil(progress, store_up(1));
  const Exposition screening_before = ScrapeUntil(screening, store_up(1));
  ASSERT_EQ(progress_before.Value("osteoflow_dependency_up", {{"dependency", "store"}}), 1);
  ASSERT_EQ(screening_before.Value("osteoflow_dependency_up", {{"dependency", "store"}}), 1);
  EXPECT_EQ(store_errors(progress_before), 0);
  EXPECT_EQ(store_errors(screening_before), 0);

  (*suite)->store->Kill();
  // A call that needs the store fails, and says so.
  const auto stub = progress_v1::ProgressService::NewStub(ChannelTo(progress));
  progress_v1::GetProgramRequest request;
  request.set_name("patients/metrics-outage-1/programs/any");
  progress_v1::Program program;
  EXPECT_EQ(stub->GetProgram(Context().get(), request, &program).error_code(), grpc::StatusCode::UNAVAILABLE);

  // Readiness checks the store every 100 ms: down within a few checks.
  const Exposition progress_down = ScrapeUntil(progress, store_up(0));
  const Exposition screening_down = ScrapeUntil(screening, store_up(0));
  EXPECT_EQ(progress_down.Value("osteoflow_dependency_up", {{"dependency", "store"}}), 0);
  EXPECT_EQ(screening_down.Value("osteoflow_dependency_up", {{"dependency", "store"}}), 0);
  EXPECT_GT(store_errors(progress_down), store_errors(progress_before));
  EXPECT_GT(store_errors(screening_down), store_errors(screening_before));
  EXPECT_EQ(progress_down.Value("grpc_server_handled_total",
                                With(CallLabels(kProgressService, "GetProgram"), "grpc_code", "Unavailable")),
            1);

  // And up again once the store is back.
  ASSERT_TRUE((*suite)->store->Restart().ok());
  EXPECT_EQ(ScrapeUntil(progress, store_up(1)).Value("osteoflow_dependency_up", {{"dependency", "store"}}), 1);
  EXPECT_EQ(ScrapeUntil(screening, store_up(1)).Value("osteoflow_dependency_up", {{"dependency", "store"}}), 1);
}

}  // namespace
}  // namespace osteoflow

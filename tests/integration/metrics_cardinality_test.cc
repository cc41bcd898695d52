// Label values come from closed sets only: 10,000 distinct patients driven
// through the real suite (each enrolled, then every other one logs a session
// and the rest read their progress) leave every service with exactly the
// series it had before, and no label value anywhere is a patient id, a
// programme, screening or plan name, or a request id the test sent.
#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "tests/support/enrolments.h"
#include "tests/support/local_suite.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/screening_server.h"

namespace osteoflow {
namespace {

namespace progress_v1 = osteoflow::progress::v1;
using testing::Exposition;

constexpr int kWarmUpPatients = 8;
constexpr int kPatients = 10000;
// Calls in flight at once: enough to keep both cores busy while each call
// waits on its peers and Redis.
constexpr int kWorkers = 12;
// In every id the test makes up, so that a label value holding one (or a
// part of one) is found without knowing which.
constexpr char kMarker[] = "qz7k";
constexpr char kProgressService[] = "osteoflow.progress.v1.ProgressService";

// What the test sent and was sent back that names a patient or a call.
class UsedIds {
 public:
  void Add(std::vector<std::string> ids) {
    std::lock_guard<std::mutex> lock(mu_);
    for (std::string& id : ids) {
      if (!id.empty()) ids_.insert(std::move(id));
    }
  }
  const absl::flat_hash_set<std::string>& ids() const { return ids_; }

 private:
  std::mutex mu_;
  absl::flat_hash_set<std::string> ids_;
};

// Drives patients through progress from several threads, each with a
// channel of its own.
class Driver {
 public:
  Driver(const std::string& progress_address, UsedIds* used) : used_(used) {
    const absl::StatusOr<screening::v1::Intake> intake = testing::LoadSampleIntake("osteopenia-no-fractures.json");
    EXPECT_TRUE(intake.ok()) << intake.status();
    if (intake.ok()) intake_ = *intake;
    for (int i = 0; i < kWorkers; ++i) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection per worker
      stubs_.push_back(progress_v1::ProgressService::NewStub(
          grpc::CreateCustomChannel(progress_address, grpc::InsecureChannelCredentials(), args)));
    }
  }

  // Patients [first, first + count), enrolled, logged and reported on; the
  // number of calls that did not end OK (the first few are described).
  int Drive(int first, int count) {
    std::atomic<int> next{first};
    std::atomic<int> failed{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
      workers.emplace_back([&, w] {
        for (int n = next++; n < first + count; n = next++) failed += Patient(*stubs_[w], n);
      });
    }
    for (std::thread& worker : workers) worker.join();
    return failed.load();
  }

  std::vector<std::string> failures() {
    std::lock_guard<std::mutex> lock(mu_);
    return failures_;
  }

 private:
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& call_id) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    context->AddMetadata("x-request-id", call_id);
    // A connection that fails to come up is tried again within the deadline:
    // this test is about labels, not about the first connect of 12 channels.
    context->set_wait_for_ready(true);
    return context;
  }

  int Failed(const std::string& what, const grpc::Status& status) {
    if (status.ok()) return 0;
    std::lock_guard<std::mutex> lock(mu_);
    if (failures_.size() < 5) {
      failures_.push_back(absl::StrCat(what, ": ", status.error_code(), " ", status.error_message()));
    }
    return 1;
  }

  // One patient's calls; how many failed.
  int Patient(progress_v1::ProgressService::Stub& stub, int n) {
    const std::string patient = absl::StrFormat("%s-patient-%05d", kMarker, n);
    const progress_v1::EnrollRequest enrol =
        testing::ThreeDayEnrolment(intake_, patient, absl::StrFormat("%s-enrol-%05d", kMarker, n));
    progress_v1::Program program;
    const std::string enrol_call = absl::StrFormat("%s-call-%05d-enrol", kMarker, n);
    if (Failed(patient + " Enroll", stub.Enroll(Context(enrol_call).get(), enrol, &program))) return 1;

    // Then, every other patient, a session logged or the progress read.
    progress_v1::LogSessionRequest log;
    progress_v1::SessionLog logged;
    const std::string then_call = absl::StrFormat("%s-call-%05d-%s", kMarker, n, n % 2 == 0 ? "log" : "progress");
    int failed = 0;
    if (n % 2 == 0) {
      log.set_program(program.name());
      log.set_request_id(absl::StrFormat("%s-log-%05d", kMarker, n));
      log.mutable_session()->set_date(program.start_date());
      failed = Failed(patient + " LogSession", stub.LogSession(Context(then_call).get(), log, &logged));
    } else {
      progress_v1::GetProgressRequest request;
      request.set_program(program.name());
      progress_v1::ProgressReport report;
      failed = Failed(patient + " GetProgress", stub.GetProgress(Context(then_call).get(), request, &report));
    }

    const std::string program_id = program.name().substr(program.name().rfind('/') + 1);
    used_->Add({patient, enrol.request_id(), log.request_id(), enrol_call, then_call, program.name(), program_id,
                program.screening(), program.screening().substr(program.screening().rfind('/') + 1),
                program.current_plan().name(), logged.name()});
    return failed;
  }

  UsedIds* const used_;
  screening::v1::Intake intake_;
  std::vector<std::unique_ptr<progress_v1::ProgressService::Stub>> stubs_;
  std::mutex mu_;
  std::vector<std::string> failures_;
};

// "name{label=value,...}" of every series, to compare two scrapes by.
std::set<std::string> SeriesOf(const Exposition& metrics) {
  std::set<std::string> series;
  for (const testing::Sample& sample : metrics.samples()) {
    std::string key = sample.name + "{";
    for (const auto& [name, value] : sample.labels) absl::StrAppend(&key, name, "=", value, ",");
    series.insert(key + "}");
  }
  return series;
}

TEST(MetricsCardinality, TenThousandPatientsMakeNoNewSeriesAndNameNobody) {
  testing::LocalSuite::Options options;
  options.metrics = true;
  // The store without an fsync per write: durability is not what this test
  // is about, and 10,000 enrolments should not wait on the disk.
  options.durable_store = false;
  auto started = testing::LocalSuite::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  const testing::LocalSuite& suite = **started;
  const std::vector<testing::ServiceProcess*> services = suite.services();
  const std::vector<std::string> names = {"catalog", "screening", "scheduling", "progress"};

  UsedIds used;
  Driver driver(suite.progress->address(), &used);
  // Every path the run below takes, taken once by a few patients first.
  ASSERT_EQ(driver.Drive(0, kWarmUpPatients), 0) << ::testing::PrintToString(driver.failures());
  std::vector<Exposition> before;
  for (const testing::ServiceProcess* service : services) {
    absl::StatusOr<Exposition> metrics = testing::Scrape(service->metrics_port());
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    before.push_back(*std::move(metrics));
  }

  const absl::Time start = absl::Now();
  const int failed = driver.Drive(kWarmUpPatients, kPatients);
  const absl::Duration took = absl::Now() - start;
  std::cout << kPatients << " patients (" << 2 * kPatients << " calls to progress) in " << took << "\n";
  ::testing::Test::RecordProperty("patients_seconds", absl::StrCat(absl::ToDoubleSeconds(took)));
  EXPECT_EQ(failed, 0) << ::testing::PrintToString(driver.failures());

  const absl::flat_hash_set<std::string>& ids = used.ids();
  ASSERT_GE(ids.size(), static_cast<size_t>(8 * (kWarmUpPatients + kPatients)));
  for (size_t i = 0; i < services.size(); ++i) {
    SCOPED_TRACE(names[i]);
    absl::StatusOr<Exposition> after = testing::Scrape(services[i]->metrics_port());
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->SeriesCount(), before[i].SeriesCount());
    const std::set<std::string> old_series = SeriesOf(before[i]);
    for (const std::string& series : SeriesOf(*after)) {
      EXPECT_TRUE(old_series.contains(series)) << "a series that was not there before: " << series;
    }
    for (const std::string& value : after->LabelValues()) {
      EXPECT_FALSE(ids.contains(value)) << "a label value is an id the test used: " << value;
      EXPECT_FALSE(absl::StrContains(value, kMarker)) << "a label value holds an id the test used: " << value;
    }
  }

  // The calls were counted: every patient's two, and the peers' part.
  absl::StatusOr<Exposition> progress = testing::Scrape(suite.progress->metrics_port());
  ASSERT_TRUE(progress.ok()) << progress.status();
  for (const auto& [method, calls] : {std::pair{"Enroll", kPatients}, std::pair{"LogSession", kPatients / 2},
                                      std::pair{"GetProgress", kPatients / 2}}) {
    const testing::Labels ok = {{"grpc_service", kProgressService}, {"grpc_method", method}, {"grpc_type", "unary"},
                                {"grpc_code", "OK"}};
    EXPECT_EQ(progress->Value("grpc_server_handled_total", ok).value_or(0) -
                  before[3].Value("grpc_server_handled_total", ok).value_or(0),
              calls)
        << method;
  }
  absl::StatusOr<Exposition> scheduling = testing::Scrape(suite.scheduling->metrics_port());
  ASSERT_TRUE(scheduling.ok()) << scheduling.status();
  EXPECT_GE(scheduling->Value("osteoflow_plans_computed_total").value_or(0) -
                before[2].Value("osteoflow_plans_computed_total").value_or(0),
            kPatients)
      << "each patient's plan is a plan of its own";
}

}  // namespace
}  // namespace osteoflow

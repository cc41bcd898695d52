// osteoflow-cohort: a bounded simulation of a cohort through the public API.
// Each generated patient is enrolled, then week after week every planned day
// is logged as done and the week advanced, by a fixed number of clients in
// parallel. It reports what was done and every failed call; the exit status
// is 1 when any call failed. Used for capacity and topology measurements.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/cohort/cohort_patient.h"
#include "common/config/settings.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "tools/cli/simulated_week.h"

ABSL_FLAG(std::string, progress, "127.0.0.1:50054", "address of the progress service");
ABSL_FLAG(std::string, samples, "samples", "directory holding intakes/ and preferences/ to draw patients from");
ABSL_FLAG(int, patients, 100, "patients in the cohort");
ABSL_FLAG(int, weeks, 12, "weeks each patient is taken through (each logged, then advanced)");
ABSL_FLAG(int, clients, 8, "patients taken through at once (calls in flight)");
ABSL_FLAG(uint64_t, seed, 1, "seed of the generated variations");
ABSL_FLAG(std::string, run, "", "tag in every id, so that runs do not meet; default the start time");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10), "deadline of each call");

namespace {

namespace v1 = osteoflow::progress::v1;

struct Tally {
  absl::Mutex mu;
  int enrolled_with_plan ABSL_GUARDED_BY(mu) = 0;
  int enrolled_without_plan ABSL_GUARDED_BY(mu) = 0;
  int64_t sessions ABSL_GUARDED_BY(mu) = 0;
  int64_t advances ABSL_GUARDED_BY(mu) = 0;
  std::map<std::string, int64_t> failures ABSL_GUARDED_BY(mu);  // "Method CODE" -> count
  std::vector<std::string> examples ABSL_GUARDED_BY(mu);

  void Failed(const char* method, const grpc::Status& status) {
    absl::MutexLock lock(&mu);
    ++failures[absl::StrCat(method, " ", status.error_code())];
    if (examples.size() < 5) examples.push_back(absl::StrCat(method, ": ", status.error_message()));
  }
};

class Cohort {
 public:
  Cohort(std::shared_ptr<grpc::Channel> channel, std::vector<osteoflow::bench::SamplePatient> samples,
         std::string run, absl::CivilDay start)
      : stub_(v1::ProgressService::NewStub(channel)), samples_(std::move(samples)), run_(std::move(run)),
        start_(start), today_(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())) {}

  void Client(int patients) {
    for (int index; (index = next_.fetch_add(1)) < patients;) TakeThrough(index);
  }
  Tally& tally() { return tally_; }

 private:
  template <typename Request, typename Response, typename Method>
  bool Call(const char* name, Method method, const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_deadline)));
    const grpc::Status status = ((*stub_).*method)(&context, request, response);
    if (!status.ok()) tally_.Failed(name, status);
    return status.ok();
  }

  void TakeThrough(int index) {
    const v1::EnrollRequest enrolment =
        osteoflow::bench::CohortEnrolment(samples_, absl::GetFlag(FLAGS_seed), index, run_, start_);
    v1::Program program;
    if (!Call("Enroll", &v1::ProgressService::Stub::Enroll, enrolment, &program)) return;
    {
      absl::MutexLock lock(&tally_.mu);
      ++(program.has_current_plan() ? tally_.enrolled_with_plan : tally_.enrolled_without_plan);
    }
    const int strength_reps = 10 + index % 5;  // some above 12, so loads go up
    osteoflow::tools::FirstLoads first;
    first.kilograms = 2 + index % 7;
    for (int week = 1; week <= absl::GetFlag(FLAGS_weeks) && program.has_current_plan(); ++week) {
      const std::vector<v1::SessionLog> sessions =
          osteoflow::tools::SessionsAsPlanned(program.current_plan(), strength_reps, first, today_);
      for (size_t day = 0; day < sessions.size(); ++day) {
        v1::LogSessionRequest request;
        request.set_program(program.name());
        request.set_request_id(absl::StrCat(enrolment.intake().patient_id(), "-w", week, "-", day));
        *request.mutable_session() = sessions[day];
        v1::SessionLog logged;
        if (!Call("LogSession", &v1::ProgressService::Stub::LogSession, request, &logged)) return;
        absl::MutexLock lock(&tally_.mu);
        ++tally_.sessions;
      }
      v1::AdvanceWeekRequest advance;
      advance.set_program(program.name());
      advance.set_request_id(absl::StrCat(enrolment.intake().patient_id(), "-advance-", week));
      v1::Program next;
      if (!Call("AdvanceWeek", &v1::ProgressService::Stub::AdvanceWeek, advance, &next)) return;
      program = std::move(next);
      absl::MutexLock lock(&tally_.mu);
      ++tally_.advances;
    }
  }

  std::unique_ptr<v1::ProgressService::Stub> stub_;
  const std::vector<osteoflow::bench::SamplePatient> samples_;
  const std::string run_;
  const absl::CivilDay start_;
  const absl::CivilDay today_;
  std::atomic<int> next_{0};
  Tally tally_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("osteoflow-cohort [flags]: a generated cohort through enrolment, logs and advances");
  absl::ParseCommandLine(argc, argv);
  const int patients = absl::GetFlag(FLAGS_patients);
  const int weeks = absl::GetFlag(FLAGS_weeks);
  const int clients = absl::GetFlag(FLAGS_clients);
  if (patients < 1 || patients > 1000000) osteoflow::ExitInvalidSetting("patients", "must be 1..1000000");
  if (weeks < 0 || weeks > 104) osteoflow::ExitInvalidSetting("weeks", "must be 0..104");
  if (clients < 1 || clients > 256) osteoflow::ExitInvalidSetting("clients", "must be 1..256");
  absl::StatusOr<std::vector<osteoflow::bench::SamplePatient>> samples =
      osteoflow::bench::ReadSamplePatients(absl::GetFlag(FLAGS_samples));
  if (!samples.ok()) osteoflow::ExitInvalidSetting("samples", samples.status().message());
  std::string run = absl::GetFlag(FLAGS_run);
  if (run.empty()) run = absl::StrCat(absl::ToUnixSeconds(absl::Now()));

  // Week 1 starts on the Monday at least `weeks` whole weeks before this one,
  // so that every simulated week is past and can be logged.
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  absl::CivilDay start = today - 7 * (weeks + 1);
  while (absl::GetWeekday(start) != absl::Weekday::monday) start -= 1;

  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  Cohort cohort(grpc::CreateCustomChannel(absl::GetFlag(FLAGS_progress), grpc::InsecureChannelCredentials(), arguments),
                *std::move(samples), run, start);
  const absl::Time began = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) threads.emplace_back([&] { cohort.Client(patients); });
  for (std::thread& thread : threads) thread.join();
  const absl::Duration took = absl::Now() - began;

  Tally& tally = cohort.tally();
  absl::MutexLock lock(&tally.mu);
  int64_t failed = 0;
  for (const auto& [what, count] : tally.failures) failed += count;
  std::printf("cohort %s: %d patients, %d weeks each, %d clients, %.1f s\n", run.c_str(), patients, weeks, clients,
              absl::ToDoubleSeconds(took));
  std::printf("enrolled with a plan %d, enrolled without one (referred) %d\n", tally.enrolled_with_plan,
              tally.enrolled_without_plan);
  std::printf("sessions logged %lld, weeks advanced %lld\n", static_cast<long long>(tally.sessions),
              static_cast<long long>(tally.advances));
  std::printf("failed calls %lld\n", static_cast<long long>(failed));
  for (const auto& [what, count] : tally.failures) std::printf("  %s: %lld\n", what.c_str(), static_cast<long long>(count));
  for (const std::string& example : tally.examples) std::printf("  e.g. %s\n", example.c_str());
  return failed == 0 ? 0 : 1;
}

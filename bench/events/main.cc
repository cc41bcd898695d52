// osteoflow-event-latency: how long an event takes to reach a watcher. For
// each number of writers, a watcher follows the feed (pain.reported only)
// while the writers log sessions that raise one such event each, in a
// closed loop, for a while; then each acknowledged log's event is matched
// to its receipt by the log's name. Printed per writer count: the logs'
// own call latency (send to answer) and the delivery latency (send to
// receipt, and answer to receipt: negative when the event reached the
// watcher before the writer had its answer), p50 and p99, in one run.
#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/settings.h"
#include "osteoflow/progress/v1/program_event.pb.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50054", "the progress service");
ABSL_FLAG(std::vector<std::string>, programs, {}, "one programme per writer, comma-separated");
ABSL_FLAG(std::string, exercise, "", "an exercise of the programmes' plans, logged with pain 6");
ABSL_FLAG(std::string, date, "2026-11-23", "the date of every log");
ABSL_FLAG(std::vector<std::string>, writers, std::vector<std::string>({"1", "8"}), "writer counts to run");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(3), "how long the writers log, per writer count");

namespace {

namespace v1 = osteoflow::progress::v1;

struct Timing {
  absl::Time sent;
  absl::Time answered;
  absl::Time received = absl::InfinitePast();
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  osteoflow::LoadSettings(argc, argv, "osteoflow-event-latency: delivery latency of the progress event feed");
  const std::vector<std::string> programs = absl::GetFlag(FLAGS_programs);
  const std::string exercise = absl::GetFlag(FLAGS_exercise);
  if (programs.empty()) osteoflow::ExitInvalidSetting("programs", "required, one per writer");
  if (exercise.empty()) osteoflow::ExitInvalidSetting("exercise", "required");
  const auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  const auto stub = v1::ProgressService::NewStub(channel);
  std::printf("%-8s %8s | %-22s | %-22s | %-22s\n", "writers", "events", "LogSession p50 / p99",
              "send→receipt p50 / p99", "answer→receipt p50/p99");
  int run = 0;
  for (const std::string& count_text : absl::GetFlag(FLAGS_writers)) {
    int writers = 0;
    if (!absl::SimpleAtoi(count_text, &writers) || writers < 1 || writers > static_cast<int>(programs.size())) {
      osteoflow::ExitInvalidSetting("writers", "each 1..the number of programmes");
    }
    ++run;
    std::mutex mu;
    std::map<std::string, Timing> timings;  // by log name
    std::map<std::string, absl::Time> received;

    // The watcher, from the feed's end now.
    grpc::ClientContext watch_context;
    v1::WatchEventsRequest watch;
    watch.add_types("org.osteoflow.progress.pain.reported.v1");
    auto reader = stub->WatchEvents(&watch_context, watch);
    absl::Notification watching;
    std::thread watcher([&] {
      v1::FeedEvent event;
      bool told = false;
      while (reader->Read(&event)) {
        const absl::Time now = absl::Now();
        if (!told) {
          watching.Notify();
          told = true;
        }
        if (!event.has_event()) continue;
        v1::ProgramEvent data;
        if (!event.event().proto_data().UnpackTo(&data)) continue;
        std::lock_guard<std::mutex> lock(mu);
        received.emplace(data.record(), now);
      }
      if (!told) watching.Notify();
    });
    const auto log_once = [&](int writer, int n) {
      v1::LogSessionRequest request;
      request.set_program(programs[writer]);
      request.set_request_id(absl::StrCat("latency-", absl::ToUnixMicros(absl::Now()), "-", run, "-", writer, "-", n));
      request.mutable_session()->set_date(absl::GetFlag(FLAGS_date));
      v1::ItemLog* item = request.mutable_session()->add_items();
      item->set_exercise(exercise);
      item->add_reps_per_set(10);
      item->set_effort(6);
      item->set_pain(6);
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      v1::SessionLog log;
      const absl::Time sent = absl::Now();
      const grpc::Status status = stub->LogSession(&context, request, &log);
      const absl::Time answered = absl::Now();
      if (!status.ok()) {
        std::fprintf(stderr, "LogSession: %s\n", status.error_message().c_str());
        return false;
      }
      std::lock_guard<std::mutex> lock(mu);
      timings[log.name()] = Timing{sent, answered};
      return true;
    };
    // Warm-up logs until one's event arrives: the watcher is attached (its
    // cursor may have been taken after the first few). They are not counted.
    for (int n = 1; !watching.WaitForNotificationWithTimeout(absl::Milliseconds(200)); ++n) {
      if (n > 50 || !log_once(0, -n)) return 1;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      timings.clear();
    }

    const absl::Time until = absl::Now() + absl::GetFlag(FLAGS_duration);
    std::vector<std::thread> threads;
    bool failed = false;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        for (int n = 0; absl::Now() < until; ++n) {
          if (!log_once(w, n)) {
            std::lock_guard<std::mutex> lock(mu);
            failed = true;
            return;
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    // Stragglers: every acknowledged event, or 5 s.
    const absl::Time wait_until = absl::Now() + absl::Seconds(5);
    while (absl::Now() < wait_until) {
      {
        std::lock_guard<std::mutex> lock(mu);
        const bool all = std::all_of(timings.begin(), timings.end(),
                                     [&](const auto& timing) { return received.contains(timing.first); });
        if (all) break;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    watch_context.TryCancel();
    watcher.join();
    reader->Finish();
    if (failed) return 1;

    std::vector<double> call, from_send, from_answer;
    int missing = 0;
    for (const auto& [name, timing] : timings) {
      call.push_back(absl::ToDoubleMilliseconds(timing.answered - timing.sent));
      const auto found = received.find(name);
      if (found == received.end()) {
        ++missing;
        continue;
      }
      from_send.push_back(absl::ToDoubleMilliseconds(found->second - timing.sent));
      from_answer.push_back(absl::ToDoubleMilliseconds(found->second - timing.answered));
    }
    std::printf("%-8d %8zu | %8.2f / %8.2f ms | %8.2f / %8.2f ms | %8.2f / %8.2f ms\n", writers, from_send.size(),
                Percentile(call, 0.5), Percentile(call, 0.99), Percentile(from_send, 0.5),
                Percentile(from_send, 0.99), Percentile(from_answer, 0.5), Percentile(from_answer, 0.99));
    if (missing > 0) {
      std::printf("MISSING: %d acknowledged logs' events never reached the watcher\n", missing);
      return 1;
    }
  }
  return 0;
}

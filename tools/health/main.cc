// osteoflow-health: asks a server's standard gRPC health service whether it
// is serving; for scripts and container health checks.
#include <algorithm>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/settings.h"
#include "tools/health/health_probe.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "server address, host:port");
ABSL_FLAG(std::string, service, "",
          "\"\" asks about liveness; a full service name asks about its readiness");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(1), "deadline of each check");
ABSL_FLAG(absl::Duration, wait, absl::ZeroDuration(),
          "keep checking until SERVING or this much time has passed; 0 checks once");

namespace {

constexpr char kUsage[] =
    "osteoflow-health: prints SERVING, NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN, UNREACHABLE\n"
    "or ERROR. Exit codes: 0 SERVING, 1 any other answer, 2 bad settings, 3 unreachable.";

constexpr int kExitNotServing = 1;
constexpr int kExitUnreachable = 3;
// Pause between checks while waiting: short, so scripts start promptly.
constexpr absl::Duration kPause = absl::Milliseconds(100);

int ExitCodeOf(osteoflow::tools::HealthOutcome outcome) {
  switch (outcome) {
    case osteoflow::tools::HealthOutcome::kServing:
      return 0;
    case osteoflow::tools::HealthOutcome::kUnreachable:
      return kExitUnreachable;
    case osteoflow::tools::HealthOutcome::kNotServing:
    case osteoflow::tools::HealthOutcome::kError:
      break;
  }
  return kExitNotServing;
}

}  // namespace

int main(int argc, char** argv) {
  osteoflow::LoadSettings(argc, argv, kUsage);
  const absl::Duration deadline = absl::GetFlag(FLAGS_deadline);
  const absl::Duration wait = absl::GetFlag(FLAGS_wait);
  if (deadline <= absl::ZeroDuration()) {
    osteoflow::ExitInvalidSetting("deadline", "must be positive");
  }
  if (wait < absl::ZeroDuration()) osteoflow::ExitInvalidSetting("wait", "must not be negative");
  const std::string target = absl::GetFlag(FLAGS_target);
  if (target.empty()) osteoflow::ExitInvalidSetting("target", "required");

  osteoflow::tools::HealthProbe probe(target);
  const std::string service = absl::GetFlag(FLAGS_service);
  const absl::Time give_up = absl::Now() + wait;
  osteoflow::tools::HealthAnswer answer;
  while (true) {
    const absl::Duration left = give_up - absl::Now();
    // While waiting, a check may wait for the connection too, but never past
    // the end of the wait.
    const bool waiting = left > absl::ZeroDuration();
    answer = probe.Check(service, waiting ? std::min(deadline, left) : deadline, waiting);
    if (answer.outcome == osteoflow::tools::HealthOutcome::kServing) break;
    if (give_up - absl::Now() <= kPause) break;
    absl::SleepFor(kPause);
  }
  std::printf("%s\n", answer.word.c_str());
  if (!answer.detail.empty()) std::fprintf(stderr, "error: %s\n", answer.detail.c_str());
  return ExitCodeOf(answer.outcome);
}

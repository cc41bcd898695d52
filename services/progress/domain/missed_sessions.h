#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "osteoflow/progress/v1/session_log.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"
#include "services/progress/domain/program_repository.h"
#include "services/progress/domain/program_store.h"
#include "services/progress/domain/sweep_lease.h"

namespace osteoflow::progress {

struct MissedSessionsSettings {
  // Planned days passed in a row with no log before a sessions.missed event.
  int days = 3;
  // How soon a checked programme is checked again.
  absl::Duration recheck = absl::Hours(6);
  // Programmes checked in one sweep at most.
  int batch = 500;
};

// Finds active programmes whose planned days passed with no session logged
// and raises one sessions.missed event per stretch (its first missed day
// names it), whichever replica sweeps and however often. Runs only while
// this process holds the sweep lease; a write carrying a lease that was
// handed over meanwhile is refused by the store.
class MissedSessions {
 public:
  MissedSessions(std::shared_ptr<ProgramStore> store, std::shared_ptr<SweepLease> lease,
                 std::function<absl::Time()> now, MissedSessionsSettings settings);

  // One sweep: how many events it raised (0 while another replica holds the
  // lease).
  absl::StatusOr<int> Sweep();

  // The planned days of `plan` before `today` after the last of `logs`
  // (every planned day before today when there is none), "YYYY-MM-DD".
  static std::vector<std::string> MissedDays(const osteoflow::scheduling::v1::WeeklyPlan& plan,
                                             const std::vector<osteoflow::progress::v1::SessionLog>& logs,
                                             absl::CivilDay today);

 private:
  const std::shared_ptr<ProgramStore> store_;
  ProgramRepository repository_;
  const std::shared_ptr<SweepLease> lease_;
  const std::function<absl::Time()> now_;
  const MissedSessionsSettings settings_;
};

}  // namespace osteoflow::progress

#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "osteoflow/progress/v1/progress_service.pb.h"
#include "services/progress/domain/clinical_flow.h"
#include "common/server/message_stream.h"
#include "services/progress/domain/current_weeks.h"
#include "services/progress/domain/event_feed.h"
#include "services/progress/domain/program_repository.h"
#include "services/progress/domain/program_store.h"
#include "services/progress/domain/progression_rules.h"
#include "services/progress/domain/scheduling_gateway.h"
#include "services/progress/domain/screening_gateway.h"

namespace osteoflow::progress {

// The progress use cases. Every write is idempotent on its request_id and
// atomic in the store; a store, screening or scheduling outage is
// UNAVAILABLE with nothing half-written.
class Programs {
 public:
  Programs(std::shared_ptr<ProgramStore> store, std::shared_ptr<ScreeningGateway> screening,
           std::shared_ptr<SchedulingGateway> planning, std::shared_ptr<const ProgressionRules> rules,
           std::function<absl::Time()> now, size_t current_weeks_kept = kCurrentWeeksKept,
           std::shared_ptr<ClinicalFlow> flow = nullptr, int adherence_alert_percent = kAdherenceAlertPercent);

  // How many programmes' current weeks are kept in memory for checking
  // session logs (a few KB each).
  static constexpr size_t kCurrentWeeksKept = 8192;
  // A finished week whose items were done less than this (percent of those
  // planned) raises an adherence.low event.
  static constexpr int kAdherenceAlertPercent = 50;

  // Screens the intake, plans week 1 (unless referred) and stores the
  // programme. Week 1 is planned from a preview of the screening while the
  // screening is being stored, and kept only when the stored result is the
  // same (otherwise planned again from it).
  absl::Status Enroll(const osteoflow::progress::v1::EnrollRequest& request,
                      osteoflow::progress::v1::Program* program);
  absl::Status Get(const osteoflow::progress::v1::GetProgramRequest& request,
                   osteoflow::progress::v1::Program* program);
  // A patient's programmes, newest first; page_size 0 → 25, above 100 → 100;
  // page tokens are bound to the patient.
  absl::Status List(const osteoflow::progress::v1::ListProgramsRequest& request,
                    osteoflow::progress::v1::ListProgramsResponse* response);
  // Stores the log; a red flag or a fall pauses the programme with a
  // referral (PROG-STOP), a fall also asks for a new screening (SUP-FALLS).
  absl::Status LogSession(const osteoflow::progress::v1::LogSessionRequest& request,
                          osteoflow::progress::v1::SessionLog* log);
  // Applies the progression rules to the current week's logs, plans the
  // next week with the new doses and stores both (the finished week kept as
  // a ProgramWeek). FAILED_PRECONDITION unless active.
  absl::Status AdvanceWeek(const osteoflow::progress::v1::AdvanceWeekRequest& request,
                           osteoflow::progress::v1::Program* program);
  // Stores a measurement. A height loss above the threshold against the
  // programme's first measured height is a red flag (RF-HEIGHT): paused,
  // referral raised. A new densitometry result asks for a new screening.
  absl::Status RecordMeasurement(const osteoflow::progress::v1::RecordMeasurementRequest& request,
                                 osteoflow::progress::v1::Measurement* measurement);
  // The programme's course: each finished and current week planned against
  // done, the progression decisions, alerts, doses and bone density.
  absl::Status GetProgress(const osteoflow::progress::v1::GetProgressRequest& request,
                           osteoflow::progress::v1::ProgressReport* report);
  // A clinician's clearance: open referrals resolved, the programme active
  // again (a referred one gets its first week planned).
  absl::Status Resume(const osteoflow::progress::v1::ResumeProgramRequest& request,
                      osteoflow::progress::v1::Program* program);

  // How watchers of the event feed are served.
  struct EventWatchSettings {
    // How often a watcher looks for events other replicas relayed (this
    // process's own relays wake it at once).
    absl::Duration poll_interval = absl::Milliseconds(250);
    // A heartbeat after this long without an event.
    absl::Duration heartbeat = absl::Seconds(15);
  };
  // The feed ListEvents and WatchEvents read; until set they are UNAVAILABLE.
  void UseEventFeed(std::shared_ptr<EventFeed> feed, EventWatchSettings settings);
  // A page of the feed from a cursor; see the contract.
  absl::Status ListEvents(const osteoflow::progress::v1::ListEventsRequest& request,
                          osteoflow::progress::v1::ListEventsResponse* response);
  // The feed from a cursor (or from now) until the deadline or the caller
  // leaves; OUT_OF_RANGE for a cursor past the retention.
  absl::Status WatchEvents(const osteoflow::progress::v1::WatchEventsRequest& request,
                           MessageStream<osteoflow::progress::v1::FeedEvent>* stream);

 private:
  absl::StatusOr<osteoflow::scheduling::v1::WeeklyPlan> PlanWeek(
      const osteoflow::progress::v1::Program& program, int week_index);

  ProgramRepository repository_;
  const std::shared_ptr<ScreeningGateway> screening_;
  const std::shared_ptr<SchedulingGateway> planning_;
  const std::shared_ptr<const ProgressionRules> rules_;
  const std::function<absl::Time()> now_;
  CurrentWeeks current_weeks_;
  // Told of every committed change; never null.
  const std::shared_ptr<ClinicalFlow> flow_;
  const int adherence_alert_percent_;
  std::shared_ptr<EventFeed> feed_;
  EventWatchSettings watch_settings_;
};

}  // namespace osteoflow::progress

#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "osteoflow/progress/v1/measurement.pb.h"
#include "osteoflow/progress/v1/program.pb.h"
#include "osteoflow/progress/v1/program_event.pb.h"
#include "osteoflow/progress/v1/progress_report.pb.h"
#include "osteoflow/progress/v1/progression_rules.pb.h"
#include "osteoflow/progress/v1/session_log.pb.h"
#include "services/progress/domain/program_store.h"

// The events a committed change raises, worked out from what the change
// stored (its alerts, referrals and decisions), so that an event says no more
// than the records do and names the rules they name.
namespace osteoflow::progress {

// "org.osteoflow.progress.program.paused.v1" for PROGRAM_PAUSED; "" for
// UNSPECIFIED.
std::string CloudEventType(osteoflow::progress::v1::ProgramEventType type);

// The events of one change, in the order they happened. Ids are made from
// `change_id` (a digest of the request that made the change) and the event's
// place, so the change tried again after a conflict raises the same ids.
class ChangeEvents {
 public:
  ChangeEvents(std::string program_name, std::string change_id, absl::Time time);

  // A programme created: enrolled, and referred when screening referred.
  void Enrolled(const osteoflow::progress::v1::Program& program);
  // A session log stored: its red flags, fall, high pain, the pause and the
  // request to screen again, as its alerts say. `pain_threshold` is the
  // progression rules' pain for reducing (PROG-SORE).
  void SessionLogged(const osteoflow::progress::v1::SessionLog& log, osteoflow::progress::v1::ProgramState state,
                     int pain_threshold);
  // A new screening asked for (a fall: SUP-FALLS), for `record`.
  void RescreenAsked(const osteoflow::progress::v1::Alert& reason, const std::string& record,
                     osteoflow::progress::v1::ProgramState state, int week_index);
  // A measurement stored, with its red flag, pause and rescreen alerts.
  void MeasurementRecorded(const osteoflow::progress::v1::Measurement& measurement,
                           osteoflow::progress::v1::ProgramState state);
  // A week finished and the next planned.
  void Advanced(const osteoflow::progress::v1::ProgramWeek& finished, const std::string& week_name,
                int next_week_index);
  // A finished week's adherence: all planned items against those done
  // (each component counted up to its plan); below `threshold_percent`
  // raises adherence.low.
  void AdherenceChecked(const osteoflow::progress::v1::ProgramWeek& finished, int threshold_percent);
  // Planned days passed with no log (`missed`, in order).
  void SessionsMissed(const std::vector<std::string>& missed, int week_index);
  // A clinician's clearance, under `stop_rule_id` (the rule that paused it).
  void Resumed(const osteoflow::progress::v1::Program& program, const std::string& stop_rule_id);

  // Each event as a CloudEvent, ready for the patient's outbox.
  std::vector<OutboxEvent> ToOutbox() const;

 private:
  osteoflow::progress::v1::ProgramEvent& Add(osteoflow::progress::v1::ProgramEventType type,
                                             const std::string& date, const std::string& record,
                                             osteoflow::progress::v1::ProgramState state, int week_index);
  void FromAlerts(const google::protobuf::RepeatedPtrField<osteoflow::progress::v1::Alert>& alerts,
                  const std::string& record, osteoflow::progress::v1::ProgramState state, int week_index);

  const std::string program_name_;
  const std::string patient_name_;
  const std::string change_id_;
  const absl::Time time_;
  std::vector<osteoflow::progress::v1::ProgramEvent> events_;
};

}  // namespace osteoflow::progress

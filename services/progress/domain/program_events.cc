#include "services/progress/domain/program_events.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "osteoflow/cloudevents/v1/cloudevents.pb.h"
#include "services/progress/domain/record_dates.h"
#include "services/progress/domain/record_ids.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace ce = io::cloudevents::v1;

// The CloudEvents source every progress event names; ids are unique within it.
constexpr char kSource[] = "/osteoflow/progress";

// "patients/p1" from "patients/p1/programs/x".
std::string PatientNameOf(const std::string& program_name) {
  const size_t programs = program_name.find("/programs/");
  return programs == std::string::npos ? std::string() : program_name.substr(0, programs);
}

// The noun and verb of each type, as its CloudEvents type spells them.
const char* TypeWords(v1::ProgramEventType type) {
  switch (type) {
    case v1::PROGRAM_EVENT_TYPE_PROGRAM_ENROLLED: return "program.enrolled";
    case v1::PROGRAM_EVENT_TYPE_PROGRAM_REFERRED: return "program.referred";
    case v1::PROGRAM_EVENT_TYPE_RED_FLAG_REPORTED: return "redflag.reported";
    case v1::PROGRAM_EVENT_TYPE_FALL_REPORTED: return "fall.reported";
    case v1::PROGRAM_EVENT_TYPE_PAIN_REPORTED: return "pain.reported";
    case v1::PROGRAM_EVENT_TYPE_PROGRAM_PAUSED: return "program.paused";
    case v1::PROGRAM_EVENT_TYPE_PROGRAM_RESUMED: return "program.resumed";
    case v1::PROGRAM_EVENT_TYPE_PROGRAM_ADVANCED: return "program.advanced";
    case v1::PROGRAM_EVENT_TYPE_MEASUREMENT_RECORDED: return "measurement.recorded";
    case v1::PROGRAM_EVENT_TYPE_RESCREEN_DUE: return "rescreen.due";
    case v1::PROGRAM_EVENT_TYPE_SESSIONS_MISSED: return "sessions.missed";
    case v1::PROGRAM_EVENT_TYPE_ADHERENCE_LOW: return "adherence.low";
    default: return nullptr;
  }
}

ce::CloudEventAttributeValue Text(std::string value) {
  ce::CloudEventAttributeValue attribute;
  attribute.set_ce_string(std::move(value));
  return attribute;
}

}  // namespace

std::string CloudEventType(v1::ProgramEventType type) {
  const char* words = TypeWords(type);
  return words == nullptr ? std::string() : absl::StrCat("org.osteoflow.progress.", words, ".v1");
}

ChangeEvents::ChangeEvents(std::string program_name, std::string change_id, absl::Time time)
    : program_name_(std::move(program_name)),
      patient_name_(PatientNameOf(program_name_)),
      change_id_(std::move(change_id)),
      time_(time) {}

v1::ProgramEvent& ChangeEvents::Add(v1::ProgramEventType type, const std::string& date, const std::string& record,
                                    v1::ProgramState state, int week_index) {
  v1::ProgramEvent& event = events_.emplace_back();
  event.set_type(type);
  event.set_patient(patient_name_);
  event.set_program(program_name_);
  event.set_date(date);
  event.set_record(record);
  event.set_state(state);
  event.set_week_index(week_index);
  return event;
}

void ChangeEvents::Enrolled(const v1::Program& program) {
  const std::string date = program.start_date();
  // By place, not by reference: each Add may move the events before it.
  const size_t enrolled = events_.size();
  Add(v1::PROGRAM_EVENT_TYPE_PROGRAM_ENROLLED, date, std::string(), program.state(), program.week_index());
  if (program.state() != v1::PROGRAM_STATE_REFERRED) return;
  v1::ProgramEvent& referred =
      Add(v1::PROGRAM_EVENT_TYPE_PROGRAM_REFERRED, date, program.screening(), program.state(), program.week_index());
  for (const v1::Referral& referral : program.referrals()) {
    if (std::find(referred.rule_ids().begin(), referred.rule_ids().end(), referral.rule().rule_id()) ==
        referred.rule_ids().end()) {
      referred.add_rule_ids(referral.rule().rule_id());
    }
  }
  *events_[enrolled].mutable_rule_ids() = referred.rule_ids();
}

void ChangeEvents::FromAlerts(const google::protobuf::RepeatedPtrField<v1::Alert>& alerts, const std::string& record,
                              v1::ProgramState state, int week_index) {
  for (const v1::Alert& alert : alerts) {
    v1::ProgramEventType type = v1::PROGRAM_EVENT_TYPE_UNSPECIFIED;
    switch (alert.kind()) {
      case v1::ALERT_KIND_RED_FLAG: type = v1::PROGRAM_EVENT_TYPE_RED_FLAG_REPORTED; break;
      case v1::ALERT_KIND_FALL: type = v1::PROGRAM_EVENT_TYPE_FALL_REPORTED; break;
      case v1::ALERT_KIND_REFERRAL: type = v1::PROGRAM_EVENT_TYPE_PROGRAM_PAUSED; break;
      case v1::ALERT_KIND_RESCREEN: type = v1::PROGRAM_EVENT_TYPE_RESCREEN_DUE; break;
      default: continue;
    }
    Add(type, alert.date(), record, state, week_index).add_rule_ids(alert.rule().rule_id());
  }
}

void ChangeEvents::SessionLogged(const v1::SessionLog& log, v1::ProgramState state, int pain_threshold) {
  const size_t first = events_.size();
  FromAlerts(log.alerts(), log.name(), state, log.week_index());
  for (size_t i = first; i < events_.size(); ++i) {
    if (events_[i].type() == v1::PROGRAM_EVENT_TYPE_FALL_REPORTED) events_[i].set_injured(log.fall().injured());
  }
  int pain = 0;
  for (const v1::ItemLog& item : log.items()) pain = std::max(pain, item.pain());
  if (pain_threshold > 0 && pain >= pain_threshold) {
    v1::ProgramEvent& event = Add(v1::PROGRAM_EVENT_TYPE_PAIN_REPORTED, log.date(), log.name(), state, log.week_index());
    event.add_rule_ids("PROG-SORE");
    event.set_pain(pain);
    event.set_pain_threshold(pain_threshold);
  }
}

void ChangeEvents::RescreenAsked(const v1::Alert& reason, const std::string& record, v1::ProgramState state,
                                 int week_index) {
  Add(v1::PROGRAM_EVENT_TYPE_RESCREEN_DUE, reason.date(), record, state, week_index)
      .add_rule_ids(reason.rule().rule_id());
}

void ChangeEvents::MeasurementRecorded(const v1::Measurement& measurement, v1::ProgramState state) {
  Add(v1::PROGRAM_EVENT_TYPE_MEASUREMENT_RECORDED, measurement.date(), measurement.name(), state, 0);
  FromAlerts(measurement.alerts(), measurement.name(), state, 0);
}

void ChangeEvents::Advanced(const v1::ProgramWeek& finished, const std::string& week_name, int next_week_index) {
  const std::string date = finished.plan().days().empty() ? std::string() : finished.plan().days(0).date();
  v1::ProgramEvent& event =
      Add(v1::PROGRAM_EVENT_TYPE_PROGRAM_ADVANCED, date, week_name, v1::PROGRAM_STATE_ACTIVE, next_week_index);
  std::map<int, int> counts;
  for (const v1::ProgressionDecision& decision : finished.decisions()) {
    ++counts[decision.change()];
    for (const common::v1::RuleCitation& rule : decision.rules()) {
      if (std::find(event.rule_ids().begin(), event.rule_ids().end(), rule.rule_id()) == event.rule_ids().end()) {
        event.add_rule_ids(rule.rule_id());
      }
    }
  }
  for (const auto& [change, exercises] : counts) {
    v1::DecisionCount* count = event.add_decisions();
    count->set_change(static_cast<v1::ProgressionChange>(change));
    count->set_exercises(exercises);
  }
}

void ChangeEvents::AdherenceChecked(const v1::ProgramWeek& finished, int threshold_percent) {
  int planned = 0;
  int done = 0;
  for (const v1::ComponentAdherence& component : finished.progress().adherence()) {
    planned += component.planned_items();
    done += std::min(component.done_items(), component.planned_items());
  }
  if (planned == 0) return;
  const int percent = done * 100 / planned;
  if (percent >= threshold_percent) return;
  const std::string date = finished.plan().days().empty() ? std::string() : finished.plan().days(0).date();
  v1::ProgramEvent& event = Add(v1::PROGRAM_EVENT_TYPE_ADHERENCE_LOW, date, std::string(), v1::PROGRAM_STATE_ACTIVE,
                                finished.week_index());
  event.set_adherence_percent(percent);
  event.set_adherence_threshold_percent(threshold_percent);
}

void ChangeEvents::SessionsMissed(const std::vector<std::string>& missed, int week_index) {
  if (missed.empty()) return;
  v1::ProgramEvent& event =
      Add(v1::PROGRAM_EVENT_TYPE_SESSIONS_MISSED, missed.front(), std::string(), v1::PROGRAM_STATE_ACTIVE, week_index);
  event.set_missed_days(static_cast<int>(missed.size()));
  event.set_first_missed_date(missed.front());
  event.set_last_missed_date(missed.back());
}

void ChangeEvents::Resumed(const v1::Program& program, const std::string& stop_rule_id) {
  const std::string date = Day(absl::ToCivilDay(time_, absl::UTCTimeZone()));
  Add(v1::PROGRAM_EVENT_TYPE_PROGRAM_RESUMED, date, std::string(), program.state(), program.week_index())
      .add_rule_ids(stop_rule_id);
}

std::vector<OutboxEvent> ChangeEvents::ToOutbox() const {
  std::vector<OutboxEvent> outbox;
  outbox.reserve(events_.size());
  for (size_t i = 0; i < events_.size(); ++i) {
    const v1::ProgramEvent& data = events_[i];
    ce::CloudEvent event;
    event.set_id(IdOf(change_id_, absl::StrCat("event\n", i, "\n", data.type())));
    event.set_source(kSource);
    event.set_spec_version("1.0");
    event.set_type(CloudEventType(data.type()));
    auto& attributes = *event.mutable_attributes();
    SetTimestamp(time_, attributes["time"].mutable_ce_timestamp());
    attributes["subject"] = Text(data.program());
    attributes["datacontenttype"] = Text("application/protobuf");
    // The CloudEvents partitioning extension: one patient's events keep
    // their order in a router that partitions by it.
    attributes["partitionkey"] = Text(data.patient().substr(data.patient().find('/') + 1));
    event.mutable_proto_data()->PackFrom(data);
    outbox.push_back(OutboxEvent{event.type(), event.SerializeAsString()});
  }
  return outbox;
}

}  // namespace osteoflow::progress

#include "services/progress/metrics/clinical_flow_metrics.h"

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "common/metrics/metrics_registry.h"
#include "osteoflow/screening/v1/screening.pb.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;

prometheus::Family<prometheus::Counter>& Counters(const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(*MetricsRegistry());
}

}  // namespace

std::string RuleLabel(absl::string_view rule_id) {
  if (rule_id.empty() || rule_id.size() > 32) return "other";
  for (const char c : rule_id) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) && !absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        c != '-') {
      return "other";
    }
  }
  return std::string(rule_id);
}

std::string EnumLabel(absl::string_view name, absl::string_view prefix) {
  absl::ConsumePrefix(&name, prefix);
  return absl::AsciiStrToLower(name);
}

ClinicalFlowMetrics::ClinicalFlowMetrics()
    : enrolments_(Counters("osteoflow_enrolments_total", "Programmes enrolled, by screening outcome.")),
      referrals_(Counters("osteoflow_referrals_total",
                          "Referrals raised (at enrolment, or by a session log or measurement), by the rule behind "
                          "each.")),
      red_flags_(Counters("osteoflow_red_flags_reported_total",
                          "Red flags found in session logs and measurements, by rule.")),
      paused_(Counters("osteoflow_programs_paused_total",
                       "Programmes paused until a clinician's clearance, by the first rule that stopped them.")),
      decisions_(Counters("osteoflow_progression_decisions_total",
                          "Progression decisions of finished weeks, by change.")),
      falls_(Counters("osteoflow_falls_reported_total", "Falls reported in session logs.").Add({})),
      resumed_(Counters("osteoflow_programs_resumed_total", "Programmes resumed by a clinician's clearance.").Add({})),
      session_logs_(Counters("osteoflow_session_logs_total", "Session logs stored.").Add({})) {
  // Every outcome and change from start, so that ratios have a zero to work on.
  for (int outcome = 1; osteoflow::screening::v1::Outcome_IsValid(outcome); ++outcome) {
    enrolments_.Add({{"outcome", EnumLabel(osteoflow::screening::v1::Outcome_Name(outcome), "OUTCOME_")}});
  }
  for (int change = 1; v1::ProgressionChange_IsValid(change); ++change) {
    decisions_.Add({{"change", EnumLabel(v1::ProgressionChange_Name(change), "PROGRESSION_CHANGE_")}});
  }
}

void ClinicalFlowMetrics::Enrolled(const v1::Program& program) {
  const osteoflow::screening::v1::ScreeningResult& result = program.screening_result();
  enrolments_.Add({{"outcome", EnumLabel(osteoflow::screening::v1::Outcome_Name(result.outcome()), "OUTCOME_")}})
      .Increment();
  for (const v1::Referral& referral : program.referrals()) {
    referrals_.Add({{"rule", RuleLabel(referral.rule().rule_id())}}).Increment();
  }
}

void ClinicalFlowMetrics::Stopped(const google::protobuf::RepeatedPtrField<v1::Alert>& alerts) {
  std::string first_rule;
  for (const v1::Alert& alert : alerts) {
    if (alert.kind() != v1::ALERT_KIND_RED_FLAG && alert.kind() != v1::ALERT_KIND_FALL) continue;
    const std::string rule = RuleLabel(alert.rule().rule_id());
    if (alert.kind() == v1::ALERT_KIND_RED_FLAG) {
      red_flags_.Add({{"rule", rule}}).Increment();
    } else {
      falls_.Increment();
    }
    referrals_.Add({{"rule", rule}}).Increment();
    if (first_rule.empty()) first_rule = rule;
  }
  if (!first_rule.empty()) paused_.Add({{"rule", first_rule}}).Increment();
}

void ClinicalFlowMetrics::SessionLogged(const v1::SessionLog& log) {
  session_logs_.Increment();
  Stopped(log.alerts());
}

void ClinicalFlowMetrics::MeasurementRecorded(const v1::Measurement& measurement) { Stopped(measurement.alerts()); }

void ClinicalFlowMetrics::WeekFinished(const v1::ProgramWeek& week) {
  for (const v1::ProgressionDecision& decision : week.decisions()) {
    decisions_.Add({{"change", EnumLabel(v1::ProgressionChange_Name(decision.change()), "PROGRESSION_CHANGE_")}})
        .Increment();
  }
}

void ClinicalFlowMetrics::Resumed() { resumed_.Increment(); }

}  // namespace osteoflow::progress

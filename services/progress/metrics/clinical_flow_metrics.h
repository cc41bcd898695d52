#pragma once

#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include "absl/strings/string_view.h"
#include "services/progress/domain/clinical_flow.h"

namespace osteoflow::progress {

// The clinical flow counted in the process registry: enrolments by outcome,
// referrals, red flags and pauses by the rule behind them, falls, session
// logs, resumptions and progression decisions by change. Label values are
// enum names and rule ids only; nothing that names a person or programme.
class ClinicalFlowMetrics final : public ClinicalFlow {
 public:
  ClinicalFlowMetrics();

  void Enrolled(const osteoflow::progress::v1::Program& program) override;
  void SessionLogged(const osteoflow::progress::v1::SessionLog& log) override;
  void MeasurementRecorded(const osteoflow::progress::v1::Measurement& measurement) override;
  void WeekFinished(const osteoflow::progress::v1::ProgramWeek& week) override;
  void Resumed() override;

 private:
  // Red flags and falls in a log or measurement: referrals, and the pause.
  void Stopped(const google::protobuf::RepeatedPtrField<osteoflow::progress::v1::Alert>& alerts);

  prometheus::Family<prometheus::Counter>& enrolments_;
  prometheus::Family<prometheus::Counter>& referrals_;
  prometheus::Family<prometheus::Counter>& red_flags_;
  prometheus::Family<prometheus::Counter>& paused_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Counter& falls_;
  prometheus::Counter& resumed_;
  prometheus::Counter& session_logs_;
};

// A rule id as a label value: the id when it has the shape of one
// ("RF-CHEST"), else "other", so that no label can carry anything else.
std::string RuleLabel(absl::string_view rule_id);

// An enum value's name without its prefix, in lower case
// ("OUTCOME_PROCEED_AFTER_CLEARANCE" → "proceed_after_clearance").
std::string EnumLabel(absl::string_view name, absl::string_view prefix);

}  // namespace osteoflow::progress

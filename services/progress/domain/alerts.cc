#include "services/progress/domain/alerts.h"

#include <utility>

namespace osteoflow::progress {

osteoflow::progress::v1::Alert MakeAlert(osteoflow::progress::v1::AlertKind kind,
                                         const osteoflow::common::v1::RuleCitation& rule, std::string message,
                                         const std::string& date) {
  osteoflow::progress::v1::Alert alert;
  alert.set_kind(kind);
  *alert.mutable_rule() = rule;
  alert.set_message(std::move(message));
  alert.set_date(date);
  return alert;
}

osteoflow::progress::v1::Alert PausedUntilClearance(const osteoflow::common::v1::RuleCitation& stop_rule,
                                                    const std::string& date) {
  return MakeAlert(osteoflow::progress::v1::ALERT_KIND_REFERRAL, stop_rule,
                   "programme paused until a clinician's clearance", date);
}

void Refer(osteoflow::progress::v1::Program& program, const osteoflow::common::v1::RuleCitation& rule,
           const std::string& reason, osteoflow::screening::v1::ReferralTarget refer_to, const std::string& date,
           const std::string& raised_by) {
  osteoflow::progress::v1::Referral* referral = program.add_referrals();
  *referral->mutable_rule() = rule;
  referral->set_reason(reason);
  referral->set_refer_to(refer_to);
  referral->set_raised_date(date);
  referral->set_raised_by(raised_by);
}

void AskToRescreen(v1::Program& program, v1::Alert reason) {
  auto* reasons = program.mutable_rescreen_reasons();
  *reasons->Add() = std::move(reason);
  if (reasons->size() > kMaxRescreenReasons) reasons->DeleteSubrange(0, reasons->size() - kMaxRescreenReasons);
}

}  // namespace osteoflow::progress

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

}  // namespace osteoflow::progress

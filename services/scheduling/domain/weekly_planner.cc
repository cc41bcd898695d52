#include "services/scheduling/domain/weekly_planner.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/scheduling/domain/plan_assembly.h"
#include "services/scheduling/domain/plan_candidates.h"
#include "services/scheduling/domain/plan_draft.h"
#include "services/scheduling/domain/plan_placement.h"
#include "services/scheduling/domain/week_budget.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace common = osteoflow::common::v1;
namespace screening_v1 = osteoflow::screening::v1;

std::string RuleIds(const google::protobuf::RepeatedPtrField<common::RuleCitation>& citations) {
  std::vector<std::string> ids;
  for (const common::RuleCitation& citation : citations) ids.push_back(citation.rule_id());
  return absl::StrJoin(ids, ", ");
}

}  // namespace

absl::Status ReferralStatus(const screening_v1::ScreeningResult& screening) {
  std::vector<std::string> reasons;
  for (const screening_v1::RedFlag& flag : screening.red_flags()) {
    reasons.push_back(absl::StrCat(flag.rule().rule_id(), ": ", flag.finding()));
  }
  if (reasons.empty()) reasons.push_back(RuleIds(screening.outcome_rules()));
  // Status messages travel in trailers: keep this one well inside their limit.
  constexpr size_t kMaxReasons = 1000;
  std::string joined = absl::StrJoin(reasons, "; ");
  if (joined.size() > kMaxReasons) joined = absl::StrCat(joined.substr(0, kMaxReasons), "...");
  return absl::FailedPreconditionError(absl::StrCat(
      "the screening refers this person on before exercise; no plan is made (", joined, ")"));
}

absl::StatusOr<v1::WeeklyPlan> BuildWeeklyPlan(const v1::PlanInputs& inputs,
                                               const PlanningCatalog& catalog,
                                               const PlanRules& rules) {
  if (inputs.screening_result().outcome() == screening_v1::OUTCOME_REFER) {
    return ReferralStatus(inputs.screening_result());
  }
  const PlanBasis basis(inputs, catalog, rules);
  // What this person may do with what they have, decided once per entry.
  const ExerciseCandidates candidates(inputs, catalog, rules.document());
  PlanDraft draft(inputs);
  PlaceWeek(basis, candidates, draft);
  // RULES §5: a set progress just added must not crowd out the rest of the
  // week; when it would, the week keeps last week's sets and says so.
  if (const std::optional<v1::PlanInputs> held_inputs = WithAddedSetsHeld(inputs)) {
    const PlanBasis held_basis(*held_inputs, catalog, rules);
    const ExerciseCandidates held_candidates(*held_inputs, catalog, rules.document());
    PlanDraft held(*held_inputs);
    PlaceWeek(held_basis, held_candidates, held);
    if (CrowdsOtherComponents(draft, held)) {
      std::vector<v1::TradeOff> trade_offs = HeldSetTradeOffs(basis, draft, held);
      v1::WeeklyPlan plan = AssemblePlan(held_basis, held);
      for (v1::TradeOff& trade_off : trade_offs) *plan.add_trade_offs() = std::move(trade_off);
      return plan;
    }
  }
  return AssemblePlan(basis, draft);
}

}  // namespace osteoflow::scheduling

#include "services/scheduling/domain/plan_assembly.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/scheduling/domain/plan_totals.h"
#include "services/scheduling/domain/plan_wording.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

// Item order within a day's session: impacts while fresh, then strength,
// balance and posture; aerobic time; stretching last, while warm.
constexpr std::array<v1::Component, 7> kSessionOrder = {
    v1::COMPONENT_IMPACT,          v1::COMPONENT_STRENGTH,
    v1::COMPONENT_BALANCE,         v1::COMPONENT_POSTURE,
    v1::COMPONENT_WEIGHT_BEARING_AEROBIC, v1::COMPONENT_NON_WEIGHT_BEARING,
    v1::COMPONENT_FLEXIBILITY};

// The day's session, titled by what it holds ("Impact, strength and
// balance"); none on a day with nothing planned.
void AddSession(DraftDay& day, v1::PlanDay& out) {
  std::vector<std::string> words;
  v1::PlanSession session;
  for (const v1::Component component : kSessionOrder) {
    if (day.items[component].empty()) continue;
    words.push_back(ComponentWords(component));
    for (v1::PlanItem& item : day.items[component]) {
      session.set_minutes(session.minutes() + item.minutes());
      *session.add_items() = std::move(item);
    }
  }
  if (words.empty()) return;
  const std::string last = words.back();
  words.pop_back();
  session.set_title(
      Capitalised(words.empty() ? last : absl::StrCat(absl::StrJoin(words, ", "), " and ", last)));
  *out.add_sessions() = std::move(session);
}

}  // namespace

v1::WeeklyPlan AssemblePlan(const PlanBasis& basis, PlanDraft& draft) {
  const v1::PlanInputs& inputs = basis.inputs;
  v1::WeeklyPlan plan;
  plan.set_patient_id(inputs.patient_id());
  plan.set_week_start_date(inputs.week_start_date());
  plan.set_week_index(inputs.week_index());
  for (DraftDay& day : draft.days) {
    v1::PlanDay* out = plan.add_days();
    out->set_date(absl::FormatCivilTime(day.date));
    out->set_weekday(day.weekday);
    out->set_available(day.available);
    AddSession(day, *out);
  }
  // Counted from the sessions just made, so totals say what the plan holds.
  AddTotals(basis, draft, plan);
  const screening_v1::ScreeningResult& screening = inputs.screening_result();
  *plan.mutable_banners()->mutable_clearance() = screening.clearance();
  *plan.mutable_banners()->mutable_supervision() = screening.supervision();
  *plan.mutable_banners()->mutable_fall_risk() = screening.fall_risk();
  plan.set_rule_set_version(screening.rule_set_version());
  plan.set_catalog_version(basis.catalog.catalog().version());
  plan.set_catalog_digest(basis.catalog.catalog().content_digest());
  plan.set_plan_rules_version(basis.plan_rules.version());
  return plan;
}

}  // namespace osteoflow::scheduling

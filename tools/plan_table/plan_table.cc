#include "tools/plan_table/plan_table.h"

#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace osteoflow::tools {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace common = osteoflow::common::v1;

// "COMPONENT_WEIGHT_BEARING_AEROBIC" -> "weight bearing aerobic".
std::string Words(const std::string& enum_name, size_t prefix) {
  std::string text = absl::AsciiStrToLower(enum_name.substr(std::min(prefix, enum_name.size())));
  for (char& c : text) c = c == '_' ? ' ' : c;
  return text;
}

// "8.5 kg" (two decimals only when a step needs them).
std::string KilogramText(double load_kg) {
  const double tenths = load_kg * 10.0;
  return std::abs(tenths - std::round(tenths)) < 1e-3 ? absl::StrFormat("%.1f kg", load_kg)
                                                      : absl::StrFormat("%.2f kg", load_kg);
}

// The dose with the load it is done at, once a log has named one.
std::string DoseText(const v1::PlanItem& item) {
  const common::Dose& dose = item.dose();
  std::string text;
  switch (dose.amount_case()) {
    case common::Dose::kSetsReps: {
      const common::SetsReps& sets = dose.sets_reps();
      text = sets.reps_min() == sets.reps_max()
                 ? absl::StrCat(sets.sets(), " x ", sets.reps_min())
                 : absl::StrCat(sets.sets(), " x ", sets.reps_min(), "-", sets.reps_max());
      if (sets.hold_seconds() > 0) absl::StrAppend(&text, ", hold ", sets.hold_seconds(), " s");
      if (sets.per_side()) absl::StrAppend(&text, " each side");
      break;
    }
    case common::Dose::kMinutes:
      text = absl::StrCat(dose.minutes(), " min");
      break;
    case common::Dose::kImpacts:
      text = absl::StrCat(dose.impacts(), " impacts");
      break;
    default:
      break;
  }
  if (item.load_kg() > 0) {
    absl::StrAppend(&text, " at ", KilogramText(item.load_kg()));
  } else if (item.band_level() != common::BAND_LEVEL_UNSPECIFIED) {
    absl::StrAppend(&text, ", ", Words(common::BandLevel_Name(item.band_level()), sizeof("BAND_LEVEL_") - 1), " band");
  }
  return text;
}

std::string RuleIds(const google::protobuf::RepeatedPtrField<common::RuleCitation>& rules) {
  std::vector<std::string> ids;
  for (const common::RuleCitation& rule : rules) ids.push_back(rule.rule_id());
  return absl::StrJoin(ids, " ");
}

}  // namespace

std::string PlanTable(const v1::WeeklyPlan& plan) {
  std::string out = absl::StrCat("Week ", plan.week_index(), " from ", plan.week_start_date(), "  (",
                                 plan.name(), ")\n");
  const v1::Banners& banners = plan.banners();
  if (banners.clearance().level() > osteoflow::screening::v1::CLEARANCE_LEVEL_NOT_NEEDED) {
    absl::StrAppend(&out, "  ! medical clearance ",
                    Words(osteoflow::screening::v1::ClearanceLevel_Name(banners.clearance().level()),
                          sizeof("CLEARANCE_LEVEL_") - 1),
                    "\n");
  }
  if (banners.supervision().required()) absl::StrAppend(&out, "  ! supervised sessions only\n");
  if (banners.fall_risk().flagged()) absl::StrAppend(&out, "  ! fall risk: balance work comes first\n");
  for (const v1::PlanDay& day : plan.days()) {
    absl::StrAppend(&out, "\n", day.date(), " ",
                    Words(v1::Weekday_Name(day.weekday()), sizeof("WEEKDAY_") - 1));
    if (day.sessions().empty()) {
      absl::StrAppend(&out, day.available() ? "  (nothing planned)\n" : "  rest\n");
      continue;
    }
    absl::StrAppend(&out, "\n");
    for (const v1::PlanSession& session : day.sessions()) {
      absl::StrAppend(&out, "  ", session.title(), ", ", session.minutes(), " min\n");
      for (const v1::PlanItem& item : session.items()) {
        absl::StrAppend(&out, absl::StrFormat("    %-13s %-30s %-30s %3d min  %s\n",
                                              Words(v1::Component_Name(item.component()),
                                                    sizeof("COMPONENT_") - 1)
                                                  .substr(0, 13),
                                              item.display_name().substr(0, 30),
                                              DoseText(item), item.minutes(),
                                              RuleIds(item.rules())));
      }
    }
  }
  absl::StrAppend(&out, "\nTargets\n");
  for (const v1::ComponentTotal& total : plan.totals()) {
    absl::StrAppend(&out, absl::StrFormat("  %-4s %-24s %d days, %d min%s   (%s: %s)\n",
                                          total.met() ? "met" : "SHORT",
                                          Words(v1::Component_Name(total.component()),
                                                sizeof("COMPONENT_") - 1),
                                          total.days(), total.minutes(),
                                          total.impacts() > 0 ? absl::StrCat(", ", total.impacts(), " impacts") : "",
                                          total.rule().rule_id(), total.target()));
  }
  for (const v1::Shortfall& shortfall : plan.shortfalls()) {
    absl::StrAppend(&out, "  shortfall ", shortfall.rule().rule_id(), ": planned ", shortfall.planned(),
                    "; ", shortfall.reason(), "\n");
  }
  absl::StrAppend(&out, "\nrules ", plan.rule_set_version(), ", dose targets ", plan.plan_rules_version(),
                  ", catalog ", plan.catalog_version(), "\n");
  return out;
}

}  // namespace osteoflow::tools

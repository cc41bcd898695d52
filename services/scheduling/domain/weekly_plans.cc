#include "services/scheduling/domain/weekly_plans.h"

#include "absl/strings/str_cat.h"
#include "services/scheduling/domain/plan_inputs.h"
#include "services/scheduling/domain/weekly_planner.h"

namespace osteoflow::scheduling {

namespace screening_v1 = osteoflow::screening::v1;

WeeklyPlans::WeeklyPlans(std::shared_ptr<const PlanRules> rules,
                         std::shared_ptr<CatalogGateway> catalog,
                         std::shared_ptr<ScreeningGateway> screenings,
                         std::shared_ptr<ComputedPlanCache> cache)
    : rules_(std::move(rules)),
      catalog_(std::move(catalog)),
      screenings_(std::move(screenings)),
      cache_(std::move(cache)) {}

const char* WeeklyPlans::PlannerDigest() { return OSTEOFLOW_PLANNER_DIGEST; }

std::string WeeklyPlans::CacheKey(const std::string& plan_id) {
  return absl::StrCat("osteoflow:v1:plan:", plan_id);
}

std::shared_ptr<const PlanningCatalog> WeeklyPlans::PlanningFor(
    std::shared_ptr<const catalog::ExerciseCatalog> catalog) {
  absl::MutexLock lock(&mu_);
  if (planning_ == nullptr || &planning_->catalog() != catalog.get()) {
    planning_ = std::make_shared<const PlanningCatalog>(std::move(catalog));
  }
  return planning_;
}

std::string WeeklyPlans::KeyVersions() const {
  return absl::StrCat(rules_->version(), "+", PlannerDigest());
}

std::variant<absl::Status, WeeklyPlans::Rest> WeeklyPlans::BuildQuickly(
    const v1::BuildWeeklyPlanRequest& request, std::string* plan_wire) {
  if (absl::Status valid = ValidateBuildRequest(request); !valid.ok()) return valid;
  std::shared_ptr<const catalog::ExerciseCatalog> catalog;
  if (!request.has_screening()) {
    if (request.screening_result().outcome() == screening_v1::OUTCOME_REFER) {
      return ReferralStatus(request.screening_result());
    }
    catalog = catalog_->Held();
  }
  if (catalog == nullptr) {
    // A screening to fetch, or no catalog held yet: all of it may wait.
    return Rest([this, request](std::string* wire) { return Build(request, wire); });
  }
  if (absl::Status known = CheckAgainstCatalog(request, *catalog); !known.ok()) return known;
  std::shared_ptr<const PlanningCatalog> planning = PlanningFor(std::move(catalog));
  std::string inputs_wire = CanonicalInputsWire(request, request.screening_result());
  std::string plan_id = PlanIdOfWire(inputs_wire, planning->catalog().content_digest(), KeyVersions());
  if (std::optional<std::string> recent = cache_->Recent(CacheKey(plan_id)); recent.has_value()) {
    *plan_wire = *std::move(recent);
    return absl::OkStatus();
  }
  return Rest([this, plan_id = std::move(plan_id), inputs_wire = std::move(inputs_wire),
               planning = std::move(planning)](std::string* wire) {
    return FromCanonicalInputs(plan_id, inputs_wire, *planning, wire);
  });
}

absl::Status WeeklyPlans::Build(const v1::BuildWeeklyPlanRequest& request, std::string* plan_wire) {
  if (absl::Status valid = ValidateBuildRequest(request); !valid.ok()) return valid;

  screening_v1::ScreeningResult fetched;
  const screening_v1::ScreeningResult* result = &request.screening_result();
  if (request.has_screening()) {
    absl::StatusOr<screening_v1::ScreeningResult> found = screenings_->Result(request.screening());
    if (!found.ok()) return found.status();
    fetched = *std::move(found);
    if (absl::Status valid = ValidateScreeningResult(fetched, "screening"); !valid.ok()) {
      return absl::InternalError(
          absl::StrCat("the screening service answered with a result that cannot be planned from: ",
                       valid.message()));
    }
    result = &fetched;
  }
  if (result->outcome() == screening_v1::OUTCOME_REFER) {
    // Answered before the catalog is needed: a referral never waits on it.
    return ReferralStatus(*result);
  }
  absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> catalog = catalog_->Current();
  if (!catalog.ok()) return catalog.status();
  std::shared_ptr<const PlanningCatalog> planning = PlanningFor(*std::move(catalog));
  if (absl::Status known = CheckAgainstCatalog(request, planning->catalog()); !known.ok()) return known;
  // A hit needs only the canonical bytes; the inputs message is made on a miss.
  const std::string inputs_wire = CanonicalInputsWire(request, *result);
  return FromCanonicalInputs(PlanIdOfWire(inputs_wire, planning->catalog().content_digest(), KeyVersions()),
                             inputs_wire, *planning, plan_wire);
}

absl::Status WeeklyPlans::FromCanonicalInputs(const std::string& plan_id, const std::string& inputs_wire,
                                              const PlanningCatalog& planning, std::string* plan_wire) {
  absl::StatusOr<std::string> bytes =
      cache_->GetOrCompute(CacheKey(plan_id), [&]() -> absl::StatusOr<std::string> {
        v1::PlanInputs inputs;
        if (!inputs.ParseFromString(inputs_wire)) return absl::InternalError("canonical inputs do not parse");
        absl::StatusOr<v1::WeeklyPlan> plan = BuildWeeklyPlan(inputs, planning, *rules_);
        if (!plan.ok()) return plan.status();
        plan->set_name(PlanName(plan_id));
        // No maps in a plan: protobuf writes the same message as the same bytes.
        return plan->SerializeAsString();
      });
  if (!bytes.ok()) return bytes.status();
  *plan_wire = *std::move(bytes);
  return absl::OkStatus();
}

absl::Status WeeklyPlans::Get(const v1::GetWeeklyPlanRequest& request, std::string* plan_wire) {
  absl::StatusOr<std::string> plan_id = ParsePlanName(request.name());
  if (!plan_id.ok()) return plan_id.status();
  absl::StatusOr<std::optional<std::string>> cached = cache_->Find(CacheKey(*plan_id));
  if (!cached.ok()) return cached.status();
  if (!cached->has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "name: ", request.name(),
        " is not cached (plans expire); build it again: the same inputs give the same plan"));
  }
  *plan_wire = **std::move(cached);
  return absl::OkStatus();
}

}  // namespace osteoflow::scheduling

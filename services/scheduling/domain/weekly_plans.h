#pragma once

#include <memory>
#include <functional>
#include <variant>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "services/scheduling/domain/catalog_gateway.h"
#include "services/scheduling/domain/computed_plan_cache.h"
#include "services/scheduling/domain/plan_rules.h"
#include "services/scheduling/domain/planning_catalog.h"
#include "services/scheduling/domain/screening_gateway.h"

namespace osteoflow::scheduling {

// The scheduling use cases: validate, resolve the screening, find the plan
// in the cache or make it. Answers are WeeklyPlan messages in wire form,
// exactly the bytes cached.
class WeeklyPlans {
 public:
  WeeklyPlans(std::shared_ptr<const PlanRules> rules, std::shared_ptr<CatalogGateway> catalog,
              std::shared_ptr<ScreeningGateway> screenings, std::shared_ptr<ComputedPlanCache> cache);

  absl::Status Build(const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request,
                     std::string* plan_wire);
  // Build in two steps. The first never waits: it answers bad input, a
  // referral given inline and a plan this process holds in memory, and
  // otherwise returns the rest of the work (the cache, the catalog or the
  // screening service may make it wait), carrying what it worked out so
  // nothing is validated or digested twice.
  using Rest = std::function<absl::Status(std::string* plan_wire)>;
  std::variant<absl::Status, Rest> BuildQuickly(const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request,
                                                std::string* plan_wire);
  absl::Status Get(const osteoflow::scheduling::v1::GetWeeklyPlanRequest& request,
                   std::string* plan_wire);

  // The cache key of a plan id.
  static std::string CacheKey(const std::string& plan_id);

  // A digest of the planner's code, made at build time; part of every plan id.
  static const char* PlannerDigest();

 private:
  // The plan with this id, for a validated request's canonical inputs, from
  // the cache or computed (and cached).
  absl::Status FromCanonicalInputs(const std::string& plan_id, const std::string& inputs_wire,
                                   const PlanningCatalog& planning, std::string* plan_wire);

  // What besides the inputs and the catalog a plan id covers: the dose
  // targets' version and the planner's code digest.
  std::string KeyVersions() const;
  // The planner's view of a catalog, made once per content digest.
  std::shared_ptr<const PlanningCatalog> PlanningFor(
      std::shared_ptr<const catalog::ExerciseCatalog> catalog);

  const std::shared_ptr<const PlanRules> rules_;
  const std::shared_ptr<CatalogGateway> catalog_;
  const std::shared_ptr<ScreeningGateway> screenings_;
  const std::shared_ptr<ComputedPlanCache> cache_;

  absl::Mutex mu_;
  std::shared_ptr<const PlanningCatalog> planning_ ABSL_GUARDED_BY(mu_);
};

}  // namespace osteoflow::scheduling

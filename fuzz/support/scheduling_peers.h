#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "services/scheduling/domain/catalog_gateway.h"
#include "services/scheduling/domain/computed_plan_cache.h"
#include "services/scheduling/domain/screening_gateway.h"
#include "services/screening/domain/screenings.h"

// Scheduling's peers in process: no channel, no Redis.
namespace osteoflow::fuzz {

// The catalog service's catalog, always held.
class HeldCatalog final : public scheduling::CatalogGateway {
 public:
  explicit HeldCatalog(std::shared_ptr<const catalog::ExerciseCatalog> catalog) : catalog_(std::move(catalog)) {}
  absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> Current() override { return catalog_; }
  std::shared_ptr<const catalog::ExerciseCatalog> Held() override { return catalog_; }

 private:
  const std::shared_ptr<const catalog::ExerciseCatalog> catalog_;
};

// A plan cache that keeps nothing: every input is planned, so the planner
// runs for each one rather than answering an earlier input's plan.
class NoPlanCache final : public scheduling::ComputedPlanCache {
 public:
  absl::StatusOr<std::string> GetOrCompute(const std::string&,
                                           const std::function<absl::StatusOr<std::string>()>& compute) override {
    return compute();
  }
  std::optional<std::string> Recent(const std::string&) override { return std::nullopt; }
  absl::StatusOr<std::optional<std::string>> Find(const std::string&) override { return std::nullopt; }
};

// Screenings by name, read through the screening use cases (and their
// store) the way the screening service answers GetScreening.
class ScreeningsByName final : public scheduling::ScreeningGateway {
 public:
  explicit ScreeningsByName(std::shared_ptr<screening::Screenings> screenings)
      : screenings_(std::move(screenings)) {}
  absl::StatusOr<osteoflow::screening::v1::ScreeningResult> Result(absl::string_view screening_name) override;

 private:
  const std::shared_ptr<screening::Screenings> screenings_;
};

}  // namespace osteoflow::fuzz

// osteoflow-plan-build: the scheduling service's uncached path in process,
// repeated, for instruction counts under callgrind and a time per plan:
// validate, canonical inputs, plan id, plan, serialise. No network, no
// Redis: the cache here always misses.
//
//   valgrind --tool=callgrind osteoflow-plan-build --request_file=REQ.json --repeat=1
//   (and --repeat=11: the difference over 10 is one plan's instructions)
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "common/config/json_file.h"
#include "common/config/settings.h"
#include "libs/catalog/catalog_file.h"
#include "services/scheduling/domain/weekly_plans.h"

ABSL_FLAG(std::string, request_file, "", "a BuildWeeklyPlanRequest as JSON, with screening_result inline");
ABSL_FLAG(std::string, catalog_file, "services/catalog/data/catalog.json", "the catalog");
ABSL_FLAG(std::string, plan_rules_file, "services/scheduling/data/plan_rules.json", "the dose targets");
ABSL_FLAG(int, repeat, 1, "plans to build");

namespace {

namespace scheduling = osteoflow::scheduling;

class HeldCatalog final : public scheduling::CatalogGateway {
 public:
  explicit HeldCatalog(std::shared_ptr<const osteoflow::catalog::ExerciseCatalog> catalog)
      : catalog_(std::move(catalog)) {}
  absl::StatusOr<std::shared_ptr<const osteoflow::catalog::ExerciseCatalog>> Current() override {
    return catalog_;
  }
  std::shared_ptr<const osteoflow::catalog::ExerciseCatalog> Held() override { return catalog_; }

 private:
  std::shared_ptr<const osteoflow::catalog::ExerciseCatalog> catalog_;
};

class NoScreenings final : public scheduling::ScreeningGateway {
 public:
  absl::StatusOr<osteoflow::screening::v1::ScreeningResult> Result(absl::string_view) override {
    return absl::UnimplementedError("give the screening result inline");
  }
};

class AlwaysMiss final : public scheduling::ComputedPlanCache {
 public:
  absl::StatusOr<std::string> GetOrCompute(
      const std::string&, const std::function<absl::StatusOr<std::string>()>& compute) override {
    return compute();
  }
  absl::StatusOr<std::optional<std::string>> Find(const std::string&) override {
    return std::nullopt;
  }
  std::optional<std::string> Recent(const std::string&) override { return std::nullopt; }
};

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  osteoflow::LoadSettings(argc, argv, "osteoflow-plan-build: uncached plans in process");
  std::string json;
  if (absl::Status read = osteoflow::ReadWholeFile(absl::GetFlag(FLAGS_request_file), &json); !read.ok()) {
    return Fail(read);
  }
  osteoflow::scheduling::v1::BuildWeeklyPlanRequest request;
  if (absl::Status parsed = osteoflow::ParseJsonMessage(json, &request); !parsed.ok()) return Fail(parsed);
  auto catalog = osteoflow::catalog::LoadCatalogFile(absl::GetFlag(FLAGS_catalog_file));
  if (!catalog.ok()) return Fail(catalog.status());
  auto rules = scheduling::LoadPlanRulesFile(absl::GetFlag(FLAGS_plan_rules_file));
  if (!rules.ok()) return Fail(rules.status());
  scheduling::WeeklyPlans plans(*rules, std::make_shared<HeldCatalog>(*catalog),
                                std::make_shared<NoScreenings>(), std::make_shared<AlwaysMiss>());

  const int repeat = absl::GetFlag(FLAGS_repeat);
  size_t bytes = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) {
    std::string wire;
    if (absl::Status built = plans.Build(request, &wire); !built.ok()) return Fail(built);
    bytes = wire.size();
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  std::printf("%d plans of %zu bytes, %.1f us each\n", repeat, bytes,
              std::chrono::duration<double, std::micro>(elapsed).count() / repeat);
  return 0;
}

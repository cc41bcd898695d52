// The suite's access table, in one place for review. Roles: a clinician
// works with any patient's records and alone may clear a paused programme;
// a patient app reaches only its own patient's records; a service (a
// platform team's, or one of ours calling a peer) calls what the pipeline
// needs; an operator sees health and the catalog, never a patient's records.
#include "common/auth/access_policy.h"

namespace osteoflow {
namespace {

constexpr Role kClinician = Role::kClinician;
constexpr Role kPatientApp = Role::kPatientApp;
constexpr Role kService = Role::kService;
constexpr Role kOperator = Role::kOperator;

AccessPolicy* MakeSuitePolicy() {
  auto* policy = new AccessPolicy;
  const auto allow = [policy](const char* service, const char* method, std::vector<Role> roles,
                              bool patient_data) {
    policy->Allow(std::string("/") + service + "/" + method, MethodAccess{std::move(roles), patient_data, {}});
  };
  // Reference data: no patient in it.
  constexpr char kCatalog[] = "osteoflow.catalog.v1.CatalogService";
  for (const char* method : {"GetExercise", "ListExercises", "GetCatalogInfo", "EvaluateActivity"}) {
    allow(kCatalog, method, {kClinician, kPatientApp, kService, kOperator}, false);
  }
  allow(kCatalog, "GetCatalogDocument", {kClinician, kService, kOperator}, false);

  constexpr char kScreening[] = "osteoflow.screening.v1.ScreeningService";
  for (const char* method : {"Screen", "GetScreening", "ListScreenings", "ValidateIntake"}) {
    allow(kScreening, method, {kClinician, kPatientApp, kService}, true);
  }

  constexpr char kScheduling[] = "osteoflow.scheduling.v1.SchedulingService";
  // A patient app plans from its stored screening; a result given inline
  // comes only from progress, working for the app.
  policy->Allow("/osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan",
                MethodAccess{{kClinician, kPatientApp, kService}, true, {"screening_result"}});
  // By plan id, which names no patient: a patient app reads its plans
  // through its programme instead.
  allow(kScheduling, "GetWeeklyPlan", {kClinician, kService}, true);

  constexpr char kProgress[] = "osteoflow.progress.v1.ProgressService";
  for (const char* method : {"Enroll", "GetProgram", "ListPrograms", "LogSession", "RecordMeasurement",
                             "GetProgress", "AdvanceWeek"}) {
    allow(kProgress, method, {kClinician, kPatientApp, kService}, true);
  }
  // A clinician's clearance after a referral.
  allow(kProgress, "ResumeProgram", {kClinician}, true);
  return policy;
}

}  // namespace

const AccessPolicy& AccessPolicy::Suite() {
  static const AccessPolicy* const policy = MakeSuitePolicy();
  return *policy;
}

}  // namespace osteoflow

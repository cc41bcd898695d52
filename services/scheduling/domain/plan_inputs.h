#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "libs/catalog/exercise_catalog.h"
#include "services/scheduling/domain/screening_result_validation.h"

namespace osteoflow::scheduling {

// A BuildWeeklyPlan request's own fields: one INVALID_ARGUMENT naming every
// field at fault. The catalog-dependent checks come later
// (CheckAgainstCatalog), once the catalog is in hand.
absl::Status ValidateBuildRequest(const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request);


// The patient id a validated request plans for: its patient_id, or the one
// in the screening's name.
std::string PatientOf(const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request);

// The canonical inputs of a validated request (see PlanInputs): the same
// plan asked for with days, equipment or exercises in another order gives
// the same inputs.
osteoflow::scheduling::v1::PlanInputs CanonicalInputs(
    const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request,
    const osteoflow::screening::v1::ScreeningResult& result);

// The same inputs in wire form, written without copying the screening result:
// a cache hit needs only these bytes (for the plan id), never the message.
// CanonicalInputs is these bytes parsed.
std::string CanonicalInputsWire(const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request,
                                const osteoflow::screening::v1::ScreeningResult& result);

// Exercises the inputs name (enjoyed, disliked, progression) must be in the
// catalog the plan is made from.
absl::Status CheckAgainstCatalog(const osteoflow::scheduling::v1::PlanInputs& inputs,
                                 const catalog::ExerciseCatalog& catalog);
// The same for a request, naming fields by their place in it.
absl::Status CheckAgainstCatalog(const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request,
                                 const catalog::ExerciseCatalog& catalog);

// The plan id: 32 hex digits of a digest over the canonical inputs, the
// catalog's content digest and the plan-rules version (the screening rule-set
// version is inside the inputs). A new catalog or rule set gives new ids,
// hence new cache keys.
std::string PlanId(const osteoflow::scheduling::v1::PlanInputs& inputs,
                   absl::string_view catalog_digest, absl::string_view plan_rules_version);
// The same id from CanonicalInputsWire's bytes.
std::string PlanIdOfWire(absl::string_view inputs_wire, absl::string_view catalog_digest,
                         absl::string_view plan_rules_version);

// "plans/{plan_id}", and back (INVALID_ARGUMENT naming "name").
std::string PlanName(absl::string_view plan_id);
absl::StatusOr<std::string> ParsePlanName(absl::string_view name);

}  // namespace osteoflow::scheduling

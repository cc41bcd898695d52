#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "osteoflow/screening/v1/screening_service.pb.h"
#include "services/screening/domain/rule_set.h"
#include "services/screening/domain/screening_store.h"

namespace osteoflow::screening {

// The screening use cases, in domain terms: validate an intake, apply the rule
// set, and keep the result. Knows no gRPC; the adapter maps its statuses.
class Screenings {
 public:
  using Clock = std::function<absl::Time()>;

  Screenings(std::shared_ptr<const RuleSet> rules, std::shared_ptr<ScreeningStore> store,
             Clock clock);

  // Each answer is written into a message the caller owns (it may live on
  // the call's arena).

  // Validates, evaluates and stores once per (patient, request_id). A retry
  // returns the stored screening; the same request_id with a different intake
  // is ALREADY_EXISTS. UNAVAILABLE from the store passes through unchanged.
  absl::Status Screen(const v1::ScreenRequest& request, v1::Screening* screening);

  absl::Status Get(const v1::GetScreeningRequest& request, v1::Screening* screening);

  absl::Status List(const v1::ListScreeningsRequest& request, v1::ListScreeningsResponse* response);

  // Validation and the result, with no storage.
  absl::Status Preview(const v1::ValidateIntakeRequest& request,
                       v1::ValidateIntakeResponse* response);

  const RuleSet& rules() const { return *rules_; }

 private:
  absl::Status Evaluate(const v1::Intake& intake, absl::string_view field,
                        v1::ScreeningResult* result);

  const std::shared_ptr<const RuleSet> rules_;
  const std::shared_ptr<ScreeningStore> store_;
  const Clock clock_;
};

// "patients/{patient_id}/screenings/{screening_id}" of a screening.
std::string ScreeningName(absl::string_view patient_id, absl::string_view screening_id);

// The screening id of a (patient, request_id): a digest, so that a retry
// finds the record its first attempt wrote.
std::string ScreeningIdFor(absl::string_view patient_id, absl::string_view request_id);

}  // namespace osteoflow::screening

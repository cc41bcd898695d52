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

  // Validates, evaluates and stores once per (patient, request_id). A retry
  // returns the stored screening; the same request_id with a different intake
  // is ALREADY_EXISTS. UNAVAILABLE from the store passes through unchanged.
  // The answer is the serialised Screening: the very bytes stored.
  absl::Status Screen(const v1::ScreenRequest& request, std::string* screening_wire);

  absl::Status Get(const v1::GetScreeningRequest& request, v1::Screening* screening);

  absl::Status List(const v1::ListScreeningsRequest& request, v1::ListScreeningsResponse* response);

  // Validation and the result, with no storage; the answer is a serialised
  // ValidateIntakeResponse.
  absl::Status Preview(const v1::ValidateIntakeRequest& request, std::string* response_wire);

 private:
  // The serialised ScreeningResult of a valid intake.
  absl::StatusOr<std::string> Evaluate(const v1::Intake& intake, absl::string_view field);

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

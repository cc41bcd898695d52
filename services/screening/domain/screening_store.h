#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "osteoflow/screening/v1/screening.pb.h"

namespace osteoflow::screening {

// The outcome of storing a screening once.
struct StoredScreening {
  osteoflow::screening::v1::Screening screening;
  // False when a screening was already stored under the same id; `screening`
  // is then the stored one, unchanged.
  bool created = false;
};

// One page of a patient's screenings, newest first.
struct ScreeningPage {
  std::vector<osteoflow::screening::v1::Screening> screenings;
  // Where the next page starts; empty after the last page. Opaque.
  std::string next_cursor;
};

// Durable screening records. Every method is atomic: a failure leaves
// nothing half-written. An unreachable store is UNAVAILABLE.
class ScreeningStore {
 public:
  virtual ~ScreeningStore() = default;

  // Stores `screening` under (patient_id, screening_id) unless a screening is
  // already stored there, in which case that one is returned and nothing is
  // written. `screening` has its name, request_id and create_time set.
  virtual absl::StatusOr<StoredScreening> CreateOnce(
      absl::string_view patient_id, absl::string_view screening_id,
      const osteoflow::screening::v1::Screening& screening) = 0;

  // NOT_FOUND when absent.
  virtual absl::StatusOr<osteoflow::screening::v1::Screening> Get(
      absl::string_view patient_id, absl::string_view screening_id) = 0;

  // Up to `page_size` (1..100) screenings of the patient, newest first by
  // create_time, starting after `cursor` (empty: from the newest).
  virtual absl::StatusOr<ScreeningPage> List(absl::string_view patient_id, int page_size,
                                             absl::string_view cursor) = 0;

  // OK when the store answers.
  virtual absl::Status Ping() = 0;
};

}  // namespace osteoflow::screening

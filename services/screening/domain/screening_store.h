#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "osteoflow/screening/v1/screening.pb.h"

namespace osteoflow::screening {

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

  // Stores `record` (a serialised Screening) under (patient_id,
  // screening_id), listed by `create_time_micros`, unless a screening is
  // already stored there. True when it stored it; false when one was there:
  // `*stored_record` is then that one's bytes, and nothing was written.
  virtual absl::StatusOr<bool> CreateOnce(absl::string_view patient_id,
                                          absl::string_view screening_id,
                                          int64_t create_time_micros, std::string record,
                                          std::string* stored_record) = 0;

  // NOT_FOUND when absent.
  virtual absl::StatusOr<osteoflow::screening::v1::Screening> Get(
      absl::string_view patient_id, absl::string_view screening_id) = 0;

  // Up to `page_size` (1..100) screenings of the patient, newest first by
  // create_time, starting after `cursor` (empty: from the newest).
  virtual absl::StatusOr<ScreeningPage> List(absl::string_view patient_id, int page_size,
                                             absl::string_view cursor) = 0;

  // OK when the store takes writes: a store that answers but refuses to
  // write (out of memory, a failed fsync, a read-only replica) is not ready.
  virtual absl::Status CheckWritable() = 0;
};

}  // namespace osteoflow::screening

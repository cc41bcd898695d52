#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "services/screening/domain/screening_store.h"

namespace osteoflow::fuzz {

// The screening store's contract in memory, for one thread (a fuzz target
// runs one input at a time). Copyable, so a target can start every input
// from the same stored screenings.
class MemoryScreeningStore final : public screening::ScreeningStore {
 public:
  absl::StatusOr<bool> CreateOnce(absl::string_view patient_id, absl::string_view screening_id,
                                  int64_t create_time_micros, std::string record,
                                  std::string* stored_record) override;
  absl::StatusOr<osteoflow::screening::v1::Screening> Get(absl::string_view patient_id,
                                                          absl::string_view screening_id) override;
  absl::StatusOr<screening::ScreeningPage> List(absl::string_view patient_id, int page_size,
                                                absl::string_view cursor) override;
  absl::Status CheckWritable() override { return absl::OkStatus(); }

 private:
  struct Stored {
    int64_t create_time_micros = 0;
    std::string record;
  };
  // By patient, then screening id.
  std::map<std::pair<std::string, std::string>, Stored> screenings_;
};

}  // namespace osteoflow::fuzz

#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_pool.h"
#include "services/screening/domain/screening_store.h"

namespace osteoflow::screening {

// Screenings in the durable Redis ("store" role: append-only file, fsync on
// every write). The keys carry a schema version, and a hash tag on the
// patient id so that all of one patient's keys share a cluster slot and one
// script may touch them together:
//
//   osteoflow:v1:{<patient_id>}:screening:<screening_id>
//       the Screening, binary protobuf
//   osteoflow:v1:{<patient_id>}:screenings
//       sorted set, every score 0, members
//       "<create_time in microseconds, 20 digits>:<screening_id>", so that
//       lexicographic order is time order, ties broken by screening id
//
// List is newest first (ties: higher id first); its cursor is the last
// member of the previous page. Ids must be opaque ids (IsOpaqueId); anything
// else is refused before a key is built from it.
class RedisScreeningStore final : public ScreeningStore {
 public:
  explicit RedisScreeningStore(std::shared_ptr<RedisPool> pool);

  absl::StatusOr<bool> CreateOnce(absl::string_view patient_id, absl::string_view screening_id,
                                  int64_t create_time_micros, std::string record,
                                  std::string* stored_record) override;
  absl::StatusOr<osteoflow::screening::v1::Screening> Get(absl::string_view patient_id,
                                                           absl::string_view screening_id) override;
  absl::StatusOr<ScreeningPage> List(absl::string_view patient_id, int page_size,
                                     absl::string_view cursor) override;
  absl::Status CheckWritable() override;

 private:
  std::shared_ptr<RedisPool> pool_;
};

}  // namespace osteoflow::screening

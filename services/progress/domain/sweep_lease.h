#pragma once

#include <cstdint>

#include "absl/status/statusor.h"

namespace osteoflow::progress {

// The right to run a periodic sweep, held by one replica at a time for a
// bounded time and handed over when its holder stops renewing it.
class SweepLease {
 public:
  virtual ~SweepLease() = default;
  // Takes the lease, or renews it when this process holds it: its fence
  // (greater for every new holder) while held here, 0 while another holds it.
  virtual absl::StatusOr<int64_t> Hold() = 0;
};

}  // namespace osteoflow::progress

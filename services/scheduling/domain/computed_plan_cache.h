#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace osteoflow::scheduling {

// Where computed plans are kept, by key. Losing an entry costs only
// recomputation.
class ComputedPlanCache {
 public:
  virtual ~ComputedPlanCache() = default;

  // The cached bytes for `key`, or `compute()`'s (then cached). Fails open:
  // when the cache cannot be reached the plan is computed and served.
  virtual absl::StatusOr<std::string> GetOrCompute(
      const std::string& key, const std::function<absl::StatusOr<std::string>()>& compute) = 0;

  // The bytes for `key` when this process holds them in memory, without
  // waiting on anything (a hit is counted); nullopt otherwise.
  virtual std::optional<std::string> Recent(const std::string& key) = 0;

  // The cached bytes for `key`; nullopt when not cached; UNAVAILABLE when the
  // cache cannot be reached (a lookup by name has nothing to fall back on).
  virtual absl::StatusOr<std::optional<std::string>> Find(const std::string& key) = 0;
};

}  // namespace osteoflow::scheduling

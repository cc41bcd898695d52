#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace osteoflow::scheduling {

// The most recently used plans, in this process's memory, bounded by their
// total size. Safe without any invalidation because a plan's key is a digest
// of everything it is made from: the bytes under a key never change, so a
// copy can never be stale. Thread-safe.
class RecentPlans {
 public:
  // `capacity_bytes` 0 keeps nothing.
  explicit RecentPlans(size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  std::optional<std::string> Get(const std::string& key);
  // A plan larger than the whole capacity is not kept.
  void Put(const std::string& key, const std::string& bytes);

  size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::string bytes;
  };

  const size_t capacity_bytes_;
  mutable absl::Mutex mu_;
  std::list<Entry> order_ ABSL_GUARDED_BY(mu_);  // most recent first
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace osteoflow::scheduling

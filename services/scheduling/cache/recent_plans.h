#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace osteoflow::scheduling {

// The most recently used plans, in this process's memory, bounded by their
// total size. Safe without any invalidation because a plan's key is a digest
// of everything it is made from: the bytes under a key never change, so a
// copy can never be stale. Thread-safe.
class RecentPlans {
 public:
  // `capacity_bytes` 0 keeps nothing. A copy is dropped after `max_age`, so
  // that a plan is not answered here long after Redis let it expire (replicas
  // would then disagree on GetWeeklyPlan).
  RecentPlans(size_t capacity_bytes, absl::Duration max_age)
      : capacity_bytes_(capacity_bytes), max_age_(max_age) {}

  std::optional<std::string> Get(const std::string& key);
  // A plan larger than the whole capacity is not kept.
  void Put(const std::string& key, const std::string& bytes);

  size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::string bytes;
    absl::Time stored;
  };

  void Drop(std::list<Entry>::iterator entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_bytes_;
  const absl::Duration max_age_;
  mutable absl::Mutex mu_;
  std::list<Entry> order_ ABSL_GUARDED_BY(mu_);  // most recent first
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace osteoflow::scheduling

#include "services/scheduling/cache/recent_plans.h"

#include <iterator>

#include "absl/time/clock.h"

namespace osteoflow::scheduling {

std::optional<std::string> RecentPlans::Get(const std::string& key) {
  if (capacity_bytes_ == 0) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto found = index_.find(key);
  if (found == index_.end()) return std::nullopt;
  if (absl::Now() - found->second->stored > max_age_) {
    Drop(found->second);
    return std::nullopt;
  }
  order_.splice(order_.begin(), order_, found->second);
  return found->second->bytes;
}

void RecentPlans::Put(const std::string& key, const std::string& bytes) {
  const size_t size = key.size() + bytes.size();
  if (size > capacity_bytes_) return;
  absl::MutexLock lock(&mu_);
  if (index_.contains(key)) return;  // the same key always holds the same bytes
  order_.push_front(Entry{key, bytes, absl::Now()});
  index_.emplace(key, order_.begin());
  bytes_ += size;
  while (bytes_ > capacity_bytes_) Drop(std::prev(order_.end()));
}

void RecentPlans::Drop(std::list<Entry>::iterator entry) {
  bytes_ -= entry->key.size() + entry->bytes.size();
  index_.erase(entry->key);
  order_.erase(entry);
}

size_t RecentPlans::bytes() const {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

}  // namespace osteoflow::scheduling

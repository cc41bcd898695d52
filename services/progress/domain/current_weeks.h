#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "osteoflow/progress/v1/program.pb.h"
#include "services/progress/domain/program_names.h"

namespace osteoflow::progress {

// What a session log is checked against: an active programme's current week.
struct CurrentWeek {
  ProgramKey key;
  // The programme record it was read from. A commit expects exactly these
  // bytes, so a week that has moved on (advanced, paused, resumed, here or in
  // another replica) is never logged against: the commit conflicts and the
  // programme is read again.
  std::string program_record;
  int week_index = 0;
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  absl::flat_hash_set<std::string> planned_exercises;
};

// The week of an active programme with a plan; nullptr otherwise.
std::shared_ptr<const CurrentWeek> CurrentWeekOf(const ProgramKey& key, const std::string& program_record,
                                                 const osteoflow::progress::v1::Program& program);

// Recently logged-against weeks by programme name, least recently used out
// first, so that a session log is checked without reading the programme
// and its 20 KB plan each time. Thread-safe.
class CurrentWeeks {
 public:
  explicit CurrentWeeks(size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const CurrentWeek> Find(const std::string& program_name);
  void Keep(const std::string& program_name, std::shared_ptr<const CurrentWeek> week);
  void Forget(const std::string& program_name);

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const CurrentWeek>>;
  const size_t capacity_;
  absl::Mutex mu_;
  std::list<Entry> recent_ ABSL_GUARDED_BY(mu_);  // most recent first
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> by_name_ ABSL_GUARDED_BY(mu_);
};

}  // namespace osteoflow::progress

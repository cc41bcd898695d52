#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace osteoflow::testing {

// A bounded write load for topology tests: `threads` writers, each calling
// write(thread, n) for n = 0, 1, 2... until stopped, remembering which
// writes were acknowledged (OK) and when and how the others failed. After a
// failure a writer pauses briefly, as a client backing off would, so that an
// outage is a bounded load and not a spin.
class RedisWriteLoad {
 public:
  using Write = std::function<absl::Status(int thread, int64_t n)>;

  struct Acknowledged {
    int thread;
    int64_t n;
    absl::Time at;
  };
  struct Failure {
    int thread;
    int64_t n;
    absl::Time at;
    absl::Status status;
  };

  RedisWriteLoad(int threads, Write write, absl::Duration pause_after_failure = absl::Milliseconds(5));
  ~RedisWriteLoad();

  // Stops the writers and waits for them; the results are then final.
  void Stop();

  std::vector<Acknowledged> acknowledged() const;
  std::vector<Failure> failures() const;
  // Waits until every writer has had a write acknowledged after `since`.
  absl::Status WaitForEveryWriterAfter(absl::Time since, absl::Duration timeout) const;
  // The first acknowledgement after `since` (InfiniteFuture when none).
  absl::Time FirstAcknowledgedAfter(absl::Time since) const;

 private:
  void Run(int thread);

  const Write write_;
  const absl::Duration pause_;
  std::atomic<bool> stopping_{false};
  mutable absl::Mutex mu_;
  std::vector<Acknowledged> acknowledged_ ABSL_GUARDED_BY(mu_);
  std::vector<Failure> failures_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Time> last_acknowledged_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

// "p50 1.2ms p99 3.4ms max 5.6ms (n=100)" of some durations.
std::string DescribeDurations(std::vector<absl::Duration> durations);

}  // namespace osteoflow::testing

#pragma once

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace osteoflow {

// Threads for handler work that blocks on a dependency (a store round trip):
// a callback handler hands such work over and returns at once, so the few
// threads that run gRPC callbacks never wait on Redis. Sized like the
// dependency's connection pool: more threads could only wait for a
// connection.
class BlockingWork {
 public:
  // `threads` >= 1; at most `threads * kQueuedPerThread` items wait.
  BlockingWork(std::string name, int threads);
  // Runs every item already queued, then joins the threads.
  ~BlockingWork();

  BlockingWork(const BlockingWork&) = delete;
  BlockingWork& operator=(const BlockingWork&) = delete;

  // Queues `work`; false when the queue is full (the caller answers
  // UNAVAILABLE rather than letting latency grow without bound).
  bool Submit(std::function<void()> work);

  static constexpr int kQueuedPerThread = 256;

 private:
  void Run();

  const std::string name_;
  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace osteoflow

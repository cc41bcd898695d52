#include "tests/support/redis_write_load.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace osteoflow::testing {

RedisWriteLoad::RedisWriteLoad(int threads, Write write, absl::Duration pause_after_failure)
    : write_(std::move(write)), pause_(pause_after_failure) {
  {
    absl::MutexLock lock(&mu_);
    last_acknowledged_.assign(static_cast<size_t>(threads), absl::InfinitePast());
  }
  for (int thread = 0; thread < threads; ++thread) threads_.emplace_back([this, thread] { Run(thread); });
}

RedisWriteLoad::~RedisWriteLoad() { Stop(); }

void RedisWriteLoad::Stop() {
  stopping_ = true;
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void RedisWriteLoad::Run(int thread) {
  for (int64_t n = 0; !stopping_; ++n) {
    absl::Status status = write_(thread, n);
    const absl::Time now = absl::Now();
    {
      absl::MutexLock lock(&mu_);
      if (status.ok()) {
        acknowledged_.push_back({thread, n, now});
        last_acknowledged_[static_cast<size_t>(thread)] = now;
      } else {
        failures_.push_back({thread, n, now, std::move(status)});
      }
    }
    if (!status.ok()) absl::SleepFor(pause_);
  }
}

std::vector<RedisWriteLoad::Acknowledged> RedisWriteLoad::acknowledged() const {
  absl::MutexLock lock(&mu_);
  return acknowledged_;
}

std::vector<RedisWriteLoad::Failure> RedisWriteLoad::failures() const {
  absl::MutexLock lock(&mu_);
  return failures_;
}

absl::Status RedisWriteLoad::WaitForEveryWriterAfter(absl::Time since, absl::Duration timeout) const {
  auto all_after = [this, since]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return std::all_of(last_acknowledged_.begin(), last_acknowledged_.end(),
                       [since](absl::Time at) { return at > since; });
  };
  absl::MutexLock lock(&mu_);
  if (mu_.AwaitWithTimeout(absl::Condition(&all_after), timeout)) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat("not every writer succeeded within ", absl::FormatDuration(timeout)));
}

absl::Time RedisWriteLoad::FirstAcknowledgedAfter(absl::Time since) const {
  absl::MutexLock lock(&mu_);
  absl::Time first = absl::InfiniteFuture();
  for (const Acknowledged& done : acknowledged_) {
    if (done.at > since) first = std::min(first, done.at);
  }
  return first;
}

std::string DescribeDurations(std::vector<absl::Duration> durations) {
  if (durations.empty()) return "none";
  std::sort(durations.begin(), durations.end());
  auto at = [&durations](double quantile) {
    return durations[std::min(durations.size() - 1, static_cast<size_t>(quantile * static_cast<double>(durations.size())))];
  };
  return absl::StrCat("p50 ", absl::FormatDuration(at(0.5)), " p99 ", absl::FormatDuration(at(0.99)), " max ",
                      absl::FormatDuration(durations.back()), " (n=", durations.size(), ")");
}

}  // namespace osteoflow::testing

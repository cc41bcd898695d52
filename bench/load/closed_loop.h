#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace osteoflow::bench {

// One method on one server, with its request serialised once.
struct LoadTarget {
  std::string name;  // for reports: "target" or "echo"
  std::string path;  // "/package.Service/Method"
  grpc::ByteBuffer request;
  // One stub per channel; call slots are spread over them round-robin.
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  // When positive, every call sets this top-level string field of the request
  // to a value of its own ("<unique_prefix>-<n>", n counting over every
  // round): a fresh idempotency key, so that each call does the real work
  // rather than replaying an earlier one.
  int unique_field = 0;
  std::string unique_prefix;
  std::shared_ptr<std::atomic<int64_t>> unique_calls = std::make_shared<std::atomic<int64_t>>(0);
};

// What one timed round observed.
struct RoundSample {
  int64_t ok_calls = 0;
  // Successful calls that completed within the round's duration: the QPS
  // numerator, so that a call straggling past the end cannot stretch the round.
  int64_t ok_calls_in_window = 0;
  int64_t errors = 0;
  absl::Duration elapsed;  // the round's set duration
  // Latency of every successful call, in nanoseconds, sorted.
  std::vector<int64_t> latencies_ns;
  std::string first_error;  // "CODE: message"; empty when none
};

// Closed loop: exactly `concurrency` calls in flight; each slot issues its
// next call as soon as its previous one completes, until `duration` has
// passed. Returns once every call has completed.
RoundSample RunClosedLoop(LoadTarget& target, int concurrency, absl::Duration duration,
                          absl::Duration call_deadline);

}  // namespace osteoflow::bench

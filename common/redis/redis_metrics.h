#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace osteoflow {

// The series of one Redis role ("store", "cache") in the process registry:
// command latency, errors by kind, and the pool's connections and waits.
// Pools of the same role share them.
class RedisMetrics {
 public:
  enum class ErrorKind {
    // A command, a connect or the wait for a free connection ran out of time.
    kTimeout,
    // Redis could not be reached, or the connection broke.
    kUnavailable,
    // Redis answered with an error reply.
    kRefused,
  };

  RedisMetrics(absl::string_view role, int max_connections);

  void Command(absl::Duration elapsed) { command_seconds_.Observe(absl::ToDoubleSeconds(elapsed)); }
  void Error(ErrorKind kind);
  void Waited() { waits_.Increment(); }
  // The pool's connections now: open ones, of which idle.
  void Connections(int open, int idle);

 private:
  prometheus::Histogram& command_seconds_;
  prometheus::Counter& timeouts_;
  prometheus::Counter& unavailable_;
  prometheus::Counter& refused_;
  prometheus::Counter& waits_;
  prometheus::Gauge& in_use_;
  prometheus::Gauge& idle_;
};

}  // namespace osteoflow

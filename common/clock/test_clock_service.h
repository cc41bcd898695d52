#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock/suite_clock.h"
#include "common/clock/test_clock.h"
#include "common/redis/redis_pool.h"
#include "common/server/blocking_work.h"
#include "common/server/server_settings.h"
#include "common/server/unary_service.h"

namespace osteoflow {

// The clock every use case of this process reads "today" from.
SuiteClock& ProcessClock();

// A peer the test clock passes its moves on to.
struct ClockPeerAddress {
  std::string name;     // "screening"
  std::string address;  // as the service's own peer setting gives it
};

// The TestClockService of a process started with test_clock, with what it
// needs for as long as it serves.
class TestClockServing {
 public:
  // nullptr when the test_clock setting is off. With it on, beside
  // production settings (reflection off; a store that waits for replicas or
  // runs as a Sentinel set or Cluster, when `store` is given) the process
  // exits 2 naming test_clock: production never runs a movable clock.
  static std::unique_ptr<TestClockServing> FromFlags(const std::string& service, const ServerSettings& settings,
                                                     const std::vector<ClockPeerAddress>& peers,
                                                     const RedisPoolOptions* store);

  UnaryService* service() { return service_.get(); }

 private:
  TestClockServing() = default;
  std::unique_ptr<BlockingWork> work_;
  std::unique_ptr<UnaryService> service_;
};

}  // namespace osteoflow

// The plan cache against a real redis-server.
#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "services/scheduling/cache/plan_cache.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace osteoflow::scheduling {
namespace {

std::shared_ptr<RedisPool> PoolFor(int port) {
  RedisPoolOptions options;
  options.role = "cache";
  options.port = port;
  options.connect_timeout = absl::Milliseconds(100);
  options.command_timeout = absl::Milliseconds(300);
  return std::make_shared<RedisPool>(options);
}

// A computation that counts its calls.
struct Counted {
  std::atomic<int> calls{0};
  std::string value;
  absl::Duration takes = absl::ZeroDuration();
  absl::StatusOr<std::string> operator()() {
    ++calls;
    absl::SleepFor(takes);
    return value;
  }
};

TEST(PlanCache, MissComputesAndStoresWithAJitteredTtlThenHits) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  auto pool = PoolFor((*server)->port());
  PlanCache cache(pool, {.ttl = absl::Seconds(100), .ttl_jitter = 0.1, .memory_bytes = 0});
  Counted plan{.value = "plan-bytes"};
  auto compute = [&] { return plan(); };

  auto first = cache.GetOrCompute("osteoflow:v1:plan:k1", compute);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "plan-bytes");
  auto second = cache.GetOrCompute("osteoflow:v1:plan:k1", compute);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "plan-bytes");
  EXPECT_EQ(plan.calls.load(), 1);
  EXPECT_EQ(cache.counts().hits, 1);
  EXPECT_EQ(cache.counts().misses, 1);

  // Every key has a TTL, within the jitter.
  auto ttl = pool->Execute({"PTTL", "osteoflow:v1:plan:k1"});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GE(ttl->integer, 89'000);
  EXPECT_LE(ttl->integer, 110'000);
}

TEST(PlanCache, AFailedComputationIsReturnedAndNotCached) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  auto pool = PoolFor((*server)->port());
  PlanCache cache(pool, {});
  auto failed = cache.GetOrCompute("k", [] {
    return absl::StatusOr<std::string>(absl::FailedPreconditionError("refer"));
  });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kFailedPrecondition);
  auto exists = pool->Execute({"EXISTS", "k"});
  ASSERT_TRUE(exists.ok());
  EXPECT_EQ(exists->integer, 0);
}

TEST(PlanCache, ConcurrentMissesForOneKeyComputeOnce) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  PlanCache cache(PoolFor((*server)->port()), {});
  Counted plan{.value = "plan", .takes = absl::Milliseconds(200)};
  constexpr int kCallers = 16;
  std::latch start(kCallers);
  std::vector<std::thread> callers;
  std::atomic<int> right{0};
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&] {
      start.arrive_and_wait();
      auto got = cache.GetOrCompute("same-key", [&] { return plan(); });
      if (got.ok() && *got == "plan") ++right;
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(right.load(), kCallers);
  EXPECT_EQ(plan.calls.load(), 1);
}

// Redis alone: the in-process copies of recent plans are off.
constexpr PlanCacheOptions kRedisOnly = {.memory_bytes = 0};

TEST(PlanCache, FailsOpenWhileRedisIsDownAndUsesItAgainWhenItIsBack) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  PlanCache cache(PoolFor((*server)->port()), kRedisOnly);
  Counted plan{.value = "plan"};
  auto compute = [&] { return plan(); };
  ASSERT_TRUE(cache.GetOrCompute("k", compute).ok());

  (*server)->Kill();
  for (int i = 0; i < 3; ++i) {
    auto got = cache.GetOrCompute("k", compute);
    ASSERT_TRUE(got.ok()) << got.status();  // computed, not failed
    EXPECT_EQ(*got, "plan");
  }
  EXPECT_EQ(plan.calls.load(), 4);
  EXPECT_GE(cache.counts().failures, 3);

  // Back (empty: the cache role keeps nothing across a restart).
  ASSERT_TRUE((*server)->Restart().ok());
  ASSERT_TRUE(cache.GetOrCompute("k", compute).ok());
  const int computed = plan.calls.load();
  auto hit = cache.GetOrCompute("k", compute);
  ASSERT_TRUE(hit.ok());
  EXPECT_EQ(plan.calls.load(), computed);  // served from the cache again
}

TEST(PlanCache, AbsentRedisAtStartIsOnlyMisses) {
  PlanCache cache(PoolFor(testing::PickFreePort()), {});
  auto got = cache.GetOrCompute("k", [] { return absl::StatusOr<std::string>("plan"); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "plan");
  EXPECT_EQ(cache.counts().hits, 0);
}

TEST(PlanCache, RecentPlansAreAnsweredFromMemoryAlsoWhileRedisIsDown) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  auto pool = PoolFor((*server)->port());
  PlanCache cache(pool, {.memory_bytes = 1 << 20});
  Counted plan{.value = "plan"};
  auto compute = [&] { return plan(); };
  ASSERT_TRUE(cache.GetOrCompute("k", compute).ok());
  // Cached in Redis as well, for other replicas and restarts.
  auto exists = pool->Execute({"EXISTS", "k"});
  ASSERT_TRUE(exists.ok());
  EXPECT_EQ(exists->integer, 1);

  auto again = cache.GetOrCompute("k", compute);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(cache.counts().memory_hits, 1);
  EXPECT_EQ(cache.counts().hits, 1);

  (*server)->Kill();
  auto while_down = cache.GetOrCompute("k", compute);
  ASSERT_TRUE(while_down.ok());
  EXPECT_EQ(*while_down, "plan");
  EXPECT_EQ(plan.calls.load(), 1);
  auto found = cache.Find("k");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, "plan");
  // A plan never seen here still needs Redis to be found by name.
  EXPECT_EQ(cache.Find("other").status().code(), absl::StatusCode::kUnavailable);
}

TEST(PlanCache, APlanSeenInRedisIsKeptInMemoryToo) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  auto pool = PoolFor((*server)->port());
  ASSERT_TRUE(pool->Execute({"SET", "k", "from-another-replica"}).ok());
  PlanCache cache(pool, {.memory_bytes = 1 << 20});
  auto compute = [] { return absl::StatusOr<std::string>("recomputed"); };
  auto first = cache.GetOrCompute("k", compute);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "from-another-replica");
  EXPECT_EQ(cache.counts().memory_hits, 0);
  auto second = cache.GetOrCompute("k", compute);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "from-another-replica");
  EXPECT_EQ(cache.counts().memory_hits, 1);
}

}  // namespace
}  // namespace osteoflow::scheduling

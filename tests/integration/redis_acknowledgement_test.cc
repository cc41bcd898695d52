// The store's acknowledgement policy (WAIT after writes) against a real
// primary and replica on loopback, with the replica stalled: writes are
// applied but answered UNAVAILABLE, a retry that finds its record already
// stored is not acknowledged either until the replica has it, and reads go
// on as before.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_script.h"
#include "common/redis/redis_settings.h"
#include "services/screening/store/redis_screening_store.h"
#include "tests/support/redis_process.h"
#include "tests/support/redis_sentinel_set.h"
#include "tests/support/redis_write_load.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;

TEST(RedisAcknowledgement, WritesWaitForTheReplicaAndRetriesToo) {
  auto primary = testing::RedisProcess::Start({.args = testing::DurableNodeArgs()});
  ASSERT_TRUE(primary.ok()) << primary.status();
  std::vector<std::string> replica_args = testing::DurableNodeArgs();
  replica_args.insert(replica_args.end(), {"--replicaof", "127.0.0.1", absl::StrCat((*primary)->port())});
  auto replica = testing::RedisProcess::Start({.args = replica_args});
  ASSERT_TRUE(replica.ok()) << replica.status();
  ASSERT_TRUE(testing::WaitFor("the replica in sync", absl::Seconds(10), [&]() -> absl::Status {
                return (*replica)->Info("master_link_status") == "up" ? absl::OkStatus()
                                                                       : absl::UnavailableError("not yet");
              }).ok());

  auto options = RedisPoolOptionsFor("store", {(*primary)->address(), absl::Milliseconds(200), absl::Seconds(1), 4});
  ASSERT_TRUE(options.ok());
  options = WithAcknowledgement("store", *std::move(options), 1, absl::Milliseconds(200));
  ASSERT_TRUE(options.ok()) << options.status();
  auto pool = std::make_shared<RedisPool>(*options);
  screening::RedisScreeningStore store(pool);

  // What WAIT costs a write, one at a time: the replica's round trip and
  // its own fsync on top of the primary's. Timed with room to spare, so
  // that a busy machine slows the figures but fails nothing.
  const RedisRoleSettings roomy = {(*primary)->address(), absl::Milliseconds(200), absl::Seconds(10), 4};
  RedisPool unacknowledged(*RedisPoolOptionsFor("store", roomy));
  RedisPool waiting(*WithAcknowledgement("store", *RedisPoolOptionsFor("store", roomy), 1, absl::Seconds(5)));
  for (RedisPool* measured : {&unacknowledged, &waiting}) {
    std::vector<absl::Duration> took;
    for (int i = 0; i < 300; ++i) {
      const absl::Time started = absl::Now();
      ASSERT_TRUE(measured->Execute({"SET", absl::StrCat("osteoflow:v1:{cost}:", i), "1"}).ok());
      took.push_back(absl::Now() - started);
    }
    std::printf("a durable SET, WAIT %d: %s\n", measured->options().acknowledgement.replicas,
                testing::DescribeDurations(took).c_str());
  }

  std::string stored;
  auto first = store.CreateOnce("patient-1", "s1", 1, "", &stored);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(*first);

  (*replica)->Pause();
  auto applied = store.CreateOnce("patient-1", "s2", 2, "", &stored);
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(applied.status().message()),
              HasSubstr("applied on the primary but only 0 of 1 replicas acknowledged it within 200ms"));
  auto there = testing::RedisCommand((*primary)->port(), {"EXISTS", "osteoflow:v1:{patient-1}:screening:s2"});
  ASSERT_TRUE(there.ok());
  EXPECT_EQ(there->integer, 1) << "the write is applied on the primary";
  // The retry writes nothing itself, yet answers only once the replica has
  // what it found, also on a connection that never wrote (another process's
  // pool), where from Redis 7.2 WAIT alone would count the stalled replica
  // as up to date.
  screening::RedisScreeningStore elsewhere(std::make_shared<RedisPool>(*options));
  for (screening::RedisScreeningStore* retrying : {&store, &elsewhere}) {
    auto again = retrying->CreateOnce("patient-1", "s2", 2, "", &stored);
    EXPECT_EQ(again.status().code(), absl::StatusCode::kUnavailable) << again.status();
  }
  // Reads wait for nothing.
  auto read = store.Get("patient-1", "s1");
  EXPECT_TRUE(read.ok()) << read.status();
  auto page = store.List("patient-1", 10, "");
  EXPECT_TRUE(page.ok()) << page.status();

  (*replica)->Resume();
  auto acknowledged = store.CreateOnce("patient-1", "s2", 2, "", &stored);
  ASSERT_TRUE(acknowledged.ok()) << acknowledged.status();
  EXPECT_FALSE(*acknowledged) << "found, as stored by the first attempt";
  auto on_replica = testing::RedisCommand((*replica)->port(), {"EXISTS", "osteoflow:v1:{patient-1}:screening:s2"});
  ASSERT_TRUE(on_replica.ok());
  EXPECT_EQ(on_replica->integer, 1);
}

}  // namespace
}  // namespace osteoflow

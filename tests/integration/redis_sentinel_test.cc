// The pool under a redis-sentinel:// address against a real primary, two
// replicas and three sentinels on loopback: calls follow the primary through
// a switch and a crash without a new pool, fail UNAVAILABLE only while the
// failover lasts; with WAIT 1 a crash loses no acknowledged write, and with
// WAIT for every replica neither does a switch away from a live primary.
// Each scenario runs its loads at once, one pool each, so that one failover
// measures every policy.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/redis/redis_connection.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_script.h"
#include "common/redis/redis_settings.h"
#include "tests/support/redis_sentinel_set.h"
#include "tests/support/redis_write_load.h"
#include "tests/support/service_process.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;

RedisPoolOptions SentinelOptions(const std::string& address, int wait_replicas) {
  absl::StatusOr<RedisPoolOptions> options =
      RedisPoolOptionsFor("store", {address, absl::Milliseconds(200), absl::Seconds(1), 16});
  EXPECT_TRUE(options.ok()) << options.status();
  options = WithAcknowledgement("store", *std::move(options), wait_replicas, absl::Milliseconds(300));
  EXPECT_TRUE(options.ok()) << options.status();
  return *options;
}

std::string Key(absl::string_view load, int thread, int64_t n) {
  return absl::StrCat("osteoflow:v1:{", load, "-", thread, "-", n, "}:write");
}

// How many of `keys` the node on `port` does not have.
int Missing(int port, const std::vector<std::string>& keys) {
  auto connection = RedisConnection::Open({"127.0.0.1", port}, absl::Seconds(1), absl::Seconds(10));
  EXPECT_TRUE(connection.ok()) << connection.status();
  if (!connection.ok()) return -1;
  int missing = 0;
  for (size_t from = 0; from < keys.size(); from += 1000) {
    std::vector<std::vector<std::string>> batch;
    for (size_t i = from; i < std::min(keys.size(), from + 1000); ++i) batch.push_back({"EXISTS", keys[i]});
    auto replies = (*connection)->Run(batch);
    EXPECT_TRUE(replies.ok()) << replies.status();
    if (!replies.ok()) return -1;
    for (const RedisReply& reply : *replies) missing += reply.integer == 1 ? 0 : 1;
  }
  return missing;
}

// A pool and 8 writers of fresh keys through it.
class PoolLoad {
 public:
  PoolLoad(const std::string& address, int wait_replicas)
      : name_(absl::StrCat("wait", wait_replicas)),
        wait_replicas_(wait_replicas),
        pool_(SentinelOptions(address, wait_replicas)),
        load_(8, [this](int thread, int64_t n) {
          absl::StatusOr<RedisReply> done = pool_.Execute({"SET", Key(name_, thread, n), "1"});
          return done.ok() ? absl::OkStatus() : done.status();
        }) {}

  RedisPool& pool() { return pool_; }
  testing::RedisWriteLoad& load() { return load_; }

  // Stops the writers and checks what they saw against the node on
  // `primary_port`: failures UNAVAILABLE and within [from, to], and how many
  // acknowledged writes it lacks. Prints a line starting with `what`.
  int Check(const std::string& what, int primary_port, absl::Time from, absl::Time to) {
    load_.Stop();
    std::vector<std::string> keys;
    for (const auto& done : load_.acknowledged()) keys.push_back(Key(name_, done.thread, done.n));
    absl::Time first_failure = absl::InfiniteFuture();
    absl::Time last_failure = absl::InfinitePast();
    for (const auto& failure : load_.failures()) {
      EXPECT_EQ(failure.status.code(), absl::StatusCode::kUnavailable) << failure.status;
      EXPECT_GE(failure.at, from) << failure.status;
      EXPECT_LE(failure.at, to) << failure.status;
      first_failure = std::min(first_failure, failure.at);
      last_failure = std::max(last_failure, failure.at);
    }
    const int missing = Missing(primary_port, keys);
    std::printf("%s, WAIT %d: %zu writes acknowledged, %zu failed UNAVAILABLE (from +%s to +%s), %d acknowledged "
                "missing on the new primary\n",
                what.c_str(), wait_replicas_, keys.size(), load_.failures().size(),
                load_.failures().empty() ? "-" : absl::FormatDuration(first_failure - from).c_str(),
                load_.failures().empty() ? "-" : absl::FormatDuration(last_failure - from).c_str(), missing);
    EXPECT_GT(keys.size(), 100u);
    return missing;
  }

 private:
  const std::string name_;
  const int wait_replicas_;
  RedisPool pool_;
  testing::RedisWriteLoad load_;
};

// How long an acknowledged write is on the primary alone: from the reply to
// the moment a replica answers that it has it (the replica's own fsync and
// this poll included), under whatever load runs.
std::string AcknowledgedToReplica(RedisPool& pool, int replica_port) {
  std::vector<absl::Duration> lags;
  auto watcher = RedisConnection::Open({"127.0.0.1", replica_port}, absl::Seconds(1), absl::Seconds(1));
  EXPECT_TRUE(watcher.ok()) << watcher.status();
  for (int i = 0; watcher.ok() && i < 200; ++i) {
    const std::string key = Key("lag", 0, i);
    if (!pool.Execute({"SET", key, "1"}).ok()) continue;
    const absl::Time acknowledged = absl::Now();
    while (absl::Now() - acknowledged < absl::Seconds(1)) {
      auto seen = (*watcher)->Run({{"EXISTS", key}});
      if (!seen.ok() || seen->front().integer == 1) break;
    }
    lags.push_back(absl::Now() - acknowledged);
  }
  return testing::DescribeDurations(lags);
}

TEST(RedisSentinel, CallsFollowASwitchAndWaitForEveryReplicaLosesNothing) {
  auto set = testing::RedisSentinelSet::Start({});
  ASSERT_TRUE(set.ok()) << set.status();
  auto first = (*set)->PrimaryPort();
  ASSERT_TRUE(first.ok()) << first.status();
  {
    RedisPool pool(SentinelOptions((*set)->address(), 1));
    ASSERT_TRUE(pool.Ping().ok());
    auto role = pool.Execute({"ROLE"});
    ASSERT_TRUE(role.ok()) << role.status();
    EXPECT_EQ(role->elements[0].text, "master");
    ASSERT_TRUE(pool.Execute({"SET", "osteoflow:v1:{p1}:a", "1"}).ok());
    auto transaction = pool.ExecutePipeline({{"MULTI"}, {"INCR", "osteoflow:v1:{p1}:n"}, {"EXEC"}});
    ASSERT_TRUE(transaction.ok()) << transaction.status();
    EXPECT_EQ(transaction->back().elements[0].integer, 1);
    const RedisScript read("return redis.call('GET', KEYS[1])");
    auto script = read.Run(pool, {"osteoflow:v1:{p1}:a"}, {});
    ASSERT_TRUE(script.ok()) << script.status();
    EXPECT_EQ(script->text, "1");
    // Written on the primary the sentinels name, and on a replica (WAIT 1).
    auto direct = testing::RedisCommand(*first, {"GET", "osteoflow:v1:{p1}:a"});
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(direct->text, "1");
  }

  // A switch with every node alive (SENTINEL FAILOVER, as an operator or a
  // partition would cause): the old primary goes on taking writes until the
  // pool hears of the switch, and the sentinels demote it (dropping them)
  // about eight seconds later. The replica that is not promoted follows the
  // old primary until the sentinels move it, a second or so: WAIT 1 counts
  // it, WAIT 2 cannot, since the promoted replica has left.
  PoolLoad none((*set)->address(), 0);
  PoolLoad one((*set)->address(), 1);
  PoolLoad every((*set)->address(), 2);
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time switched = absl::Now();
  auto asked = (*set)->sentinel(0).Command({"SENTINEL", "FAILOVER", "store"});
  ASSERT_TRUE(asked.ok()) << asked.status();
  auto second = (*set)->WaitForNewPrimary(*first, absl::Seconds(20));
  ASSERT_TRUE(second.ok()) << second.status();
  // A poll interval and more: every pool is on the new primary by then.
  const absl::Time settled = absl::Now() + absl::Milliseconds(600);
  for (PoolLoad* load : {&none, &one, &every}) {
    ASSERT_TRUE(load->load().WaitForEveryWriterAfter(settled, absl::Seconds(20)).ok());
  }
  const absl::Time to = absl::Now();
  ::testing::Test::RecordProperty("switch_missing_wait0", none.Check("sentinel switch", *second, switched, to));
  ::testing::Test::RecordProperty("switch_missing_wait1", one.Check("sentinel switch", *second, switched, to));
  EXPECT_EQ(every.Check("sentinel switch", *second, switched, to), 0)
      << "WAIT 2 acknowledged a write that the promoted replica did not have";
  for (PoolLoad* load : {&none, &one, &every}) {
    auto role = load->pool().Execute({"ROLE"});
    ASSERT_TRUE(role.ok()) << role.status();
    EXPECT_EQ(role->elements[0].text, "master");
    ASSERT_TRUE(load->pool().Execute({"SET", "osteoflow:v1:{after}:switch", "1"}).ok());
    auto landed = testing::RedisCommand(*second, {"EXISTS", "osteoflow:v1:{after}:switch"});
    ASSERT_TRUE(landed.ok());
    EXPECT_EQ(landed->integer, 1);
  }
}

TEST(RedisSentinel, KillOfThePrimaryUnderLoadLosesNothingWithWait) {
  auto set = testing::RedisSentinelSet::Start({});
  ASSERT_TRUE(set.ok()) << set.status();
  auto primary = (*set)->PrimaryPort();
  ASSERT_TRUE(primary.ok()) << primary.status();
  PoolLoad unacknowledged((*set)->address(), 0);
  PoolLoad acknowledged((*set)->address(), 1);
  absl::SleepFor(absl::Milliseconds(200));
  int replica_port = 0;
  for (int i = 0; i < (*set)->node_count(); ++i) {
    if ((*set)->node(i).port() != *primary) replica_port = (*set)->node(i).port();
  }
  std::printf("sentinel: acknowledged to visible on a replica, under load: without WAIT %s; with WAIT 1 %s\n",
              AcknowledgedToReplica(unacknowledged.pool(), replica_port).c_str(),
              AcknowledgedToReplica(acknowledged.pool(), replica_port).c_str());

  const absl::Time killed = absl::Now();
  (*set)->NodeOnPort(*primary)->Kill();
  auto promoted = (*set)->WaitForNewPrimary(*primary, absl::Seconds(30));
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  const absl::Time known = absl::Now();
  for (PoolLoad* load : {&unacknowledged, &acknowledged}) {
    ASSERT_TRUE(load->load().WaitForEveryWriterAfter(known, absl::Seconds(20)).ok());
  }
  // Failures only while the failover lasts: from the kill until every
  // writer has succeeded on the new primary.
  const absl::Time resumed = absl::Now();
  absl::SleepFor(absl::Milliseconds(300));
  std::printf("sentinel kill -9: the sentinels named a new primary %s after the kill\n",
              absl::FormatDuration(known - killed).c_str());
  unacknowledged.Check("sentinel kill -9", *promoted, killed, resumed);
  EXPECT_EQ(acknowledged.Check("sentinel kill -9", *promoted, killed, resumed), 0)
      << "WAIT 1 acknowledged a write the failover lost";
}

// With the poll too slow to matter, a switch away from a primary that is
// still alive (and still taking writes until the sentinels demote it,
// seconds later) is followed from the sentinels' events (+promoted-slave,
// then +switch-master).
TEST(RedisSentinel, ASwitchIsFollowedFromTheSentinelsEventNotTheNextPoll) {
  auto set = testing::RedisSentinelSet::Start({});
  ASSERT_TRUE(set.ok()) << set.status();
  auto first = (*set)->PrimaryPort();
  ASSERT_TRUE(first.ok()) << first.status();
  RedisPoolOptions options = SentinelOptions((*set)->address(), 0);
  options.topology_check_interval = absl::Hours(1);
  RedisPool pool(options);
  ASSERT_TRUE(pool.Execute({"SET", "osteoflow:v1:{event}:before", "1"}).ok());
  // The pool's subscription is up once the first sentinel lists a
  // subscribed client (sentinels subscribe on the data nodes, not on one
  // another).
  bool subscribed = false;
  for (const absl::Time until = absl::Now() + absl::Seconds(10); !subscribed && absl::Now() < until;) {
    auto clients = (*set)->sentinel(0).Command({"CLIENT", "LIST"});
    for (const absl::string_view client : absl::StrSplit(clients.ok() ? clients->text : "", '\n')) {
      subscribed = subscribed || (absl::StrContains(client, " sub=") && !absl::StrContains(client, " sub=0 "));
    }
    if (!subscribed) absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(subscribed) << "the pool never subscribed to the first sentinel";

  auto asked = (*set)->sentinel(0).Command({"SENTINEL", "FAILOVER", "store"});
  ASSERT_TRUE(asked.ok()) << asked.status();
  auto second = (*set)->WaitForNewPrimary(*first, absl::Seconds(20));
  ASSERT_TRUE(second.ok()) << second.status();
  const absl::Time named = absl::Now();
  bool landed = false;
  for (int n = 0; !landed && absl::Now() - named < absl::Seconds(3); ++n) {
    const std::string key = absl::StrCat("osteoflow:v1:{event}:after-", n);
    if (pool.Execute({"SET", key, "1"}).ok()) {
      auto there = testing::RedisCommand(*second, {"EXISTS", key});
      landed = there.ok() && there->integer == 1;
    }
    if (!landed) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(landed) << "writes still went elsewhere 3 s after the sentinels named " << *second;
  std::printf("sentinel switch: writes on the new primary %s after the sentinels named it (poll interval 1h)\n",
              absl::FormatDuration(absl::Now() - named).c_str());
}

TEST(RedisSentinel, NoSentinelAnsweringIsUnavailableNotAHang) {
  RedisPool pool(SentinelOptions(absl::StrCat("redis-sentinel://127.0.0.1:", testing::PickFreePort(), "/store"), 0));
  const absl::Time started = absl::Now();
  auto reply = pool.Execute({"GET", "k"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(reply.status().message()), HasSubstr("no sentinel named primary store"));
  EXPECT_LT(absl::Now() - started, absl::Seconds(2));
}

}  // namespace
}  // namespace osteoflow

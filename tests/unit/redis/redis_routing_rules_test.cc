// What the routing layer decides without a server: the keys of a command, the
// one slot of a request, which commands and scripts only read, what an error
// reply redirects to, and how an address setting is read.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/redis/redis_acknowledgement.h"
#include "common/redis/redis_command_keys.h"
#include "common/redis/redis_redirect.h"
#include "common/redis/redis_script.h"
#include "common/redis/redis_settings.h"
#include "common/redis/redis_slot.h"

namespace osteoflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

TEST(CommandKeys, PerCommand) {
  EXPECT_THAT(CommandKeys({"GET", "a"}), ElementsAre("a"));
  EXPECT_THAT(CommandKeys({"set", "a", "v", "PX", "10"}), ElementsAre("a"));
  EXPECT_THAT(CommandKeys({"MGET", "a", "b"}), ElementsAre("a", "b"));
  EXPECT_THAT(CommandKeys({"MSET", "a", "1", "b", "2"}), ElementsAre("a", "b"));
  EXPECT_THAT(CommandKeys({"BLPOP", "a", "b", "0.5"}), ElementsAre("a", "b"));
  EXPECT_THAT(CommandKeys({"RENAME", "a", "b"}), ElementsAre("a", "b"));
  EXPECT_THAT(CommandKeys({"ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"}), ElementsAre("d", "a", "b"));
  EXPECT_THAT(CommandKeys({"EVALSHA", "sha", "2", "k1", "k2", "arg"}), ElementsAre("k1", "k2"));
  EXPECT_THAT(CommandKeys({"EVAL_RO", "return 1", "0", "arg"}), IsEmpty());
  EXPECT_THAT(CommandKeys({"EVALSHA", "sha", "9", "k1"}), IsEmpty());  // Redis refuses it anyway
  EXPECT_THAT(CommandKeys({"OBJECT", "ENCODING", "a"}), ElementsAre("a"));
  for (const char* keyless : {"PING", "MULTI", "EXEC", "WAIT", "INFO", "CLIENT", "ROLE", "CLUSTER"}) {
    EXPECT_THAT(CommandKeys({keyless, "x", "y"}), IsEmpty()) << keyless;
  }
  EXPECT_THAT(CommandKeys({"GET"}), IsEmpty());
}

TEST(PipelineSlot, OneSlotOrRefusedNamingTheCommand) {
  // The store's transaction: the patient's hash tag keeps both keys together.
  auto slot = PipelineSlot({{"MULTI"},
                            {"SET", "osteoflow:v1:{p-1}:screening:s1", "x", "NX", "GET"},
                            {"ZADD", "osteoflow:v1:{p-1}:screenings", "NX", "1", "s1"},
                            {"EXEC"}});
  ASSERT_TRUE(slot.ok()) << slot.status();
  EXPECT_EQ(*slot, RedisKeySlot("p-1"));

  auto keyless = PipelineSlot({{"PING"}, {"MULTI"}, {"EXEC"}});
  ASSERT_TRUE(keyless.ok());
  EXPECT_FALSE(keyless->has_value());

  auto split = PipelineSlot({{"MULTI"}, {"SET", "{a}x", "1"}, {"incr", "{b}y"}, {"EXEC"}});
  EXPECT_EQ(split.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(split.status().message()), HasSubstr("INCR names a key in slot"));
  EXPECT_THAT(std::string(split.status().message()), ::testing::Not(HasSubstr("{b}y")));

  auto script = PipelineSlot({{"EVALSHA", "sha", "2", "{a}1", "{b}2"}});
  EXPECT_EQ(script.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(script.status().message()), HasSubstr("EVALSHA"));
  auto mget = PipelineSlot({{"MGET", "{a}1", "{b}2"}});
  EXPECT_EQ(mget.status().code(), absl::StatusCode::kInternal);
}

TEST(ReadOnly, CommandsAndScripts) {
  EXPECT_TRUE(IsReadOnlyCommand("get"));
  EXPECT_TRUE(IsReadOnlyCommand("EVALSHA_RO"));
  EXPECT_FALSE(IsReadOnlyCommand("EVALSHA"));
  EXPECT_FALSE(IsReadOnlyCommand("SET"));
  EXPECT_FALSE(IsReadOnlyCommand("SOMETHING_NEW"));  // unknown counts as a write
  EXPECT_FALSE(MayWrite({{"MULTI"}, {"GET", "a"}, {"EXEC"}}));
  EXPECT_TRUE(MayWrite({{"MULTI"}, {"GET", "a"}, {"ZADD", "a", "1", "m"}, {"EXEC"}}));
  EXPECT_TRUE(IsTransaction({{"multi"}, {"EXEC"}}));
  EXPECT_FALSE(IsTransaction({{"GET", "a"}}));

  EXPECT_TRUE(ScriptOnlyReads("local x = redis.call('GET', KEYS[1])\nreturn redis.call( \"ZRANGEBYSCORE\", KEYS[2], 0, 1)"));
  EXPECT_TRUE(ScriptOnlyReads("return redis.sha1hex(ARGV[1])"));
  EXPECT_FALSE(ScriptOnlyReads("redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], 1)"));
  EXPECT_FALSE(ScriptOnlyReads("redis.pcall('del', KEYS[1])"));
  EXPECT_FALSE(ScriptOnlyReads("local c = 'GET' return redis.call(c, KEYS[1])"));  // a computed name
  EXPECT_TRUE(RedisScript("return redis.call('GET', KEYS[1])").read_only());
  EXPECT_FALSE(RedisScript("return redis.call('SET', KEYS[1], ARGV[1])").read_only());
}

TEST(Redirect, ReadFromErrorReplies) {
  const RedisEndpoint answering{"10.0.0.5", 7000};
  auto error = [](std::string text) {
    RedisReply reply;
    reply.type = RedisReply::Type::kError;
    reply.text = std::move(text);
    return reply;
  };
  RedisRedirect moved = RedirectOf(error("MOVED 3999 127.0.0.1:6381"), answering);
  EXPECT_EQ(moved.kind, RedisRedirect::Kind::kMoved);
  EXPECT_EQ(moved.slot, 3999);
  EXPECT_EQ(moved.node, (RedisEndpoint{"127.0.0.1", 6381}));
  RedisRedirect ask = RedirectOf(error("ASK 12 :7002"), answering);
  EXPECT_EQ(ask.kind, RedisRedirect::Kind::kAsk);
  EXPECT_EQ(ask.node, (RedisEndpoint{"10.0.0.5", 7002}));  // no host: the answering one's
  EXPECT_EQ(RedirectOf(error("MOVED 1 ?:7003"), answering).node, (RedisEndpoint{"10.0.0.5", 7003}));
  EXPECT_EQ(RedirectOf(error("TRYAGAIN Multiple keys request during rehashing of slot"), answering).kind,
            RedisRedirect::Kind::kTryAgain);
  EXPECT_EQ(RedirectOf(error("CLUSTERDOWN The cluster is down"), answering).kind, RedisRedirect::Kind::kClusterDown);
  EXPECT_EQ(RedirectOf(error("READONLY You can't write against a read only replica."), answering).kind,
            RedisRedirect::Kind::kReadOnly);
  EXPECT_EQ(RedirectOf(error("ERR user_script:1: Script attempted to access a non local key in a cluster node "
                             "script: abc"),
                       answering)
                .kind,
            RedisRedirect::Kind::kScriptKeyMoved);
  EXPECT_EQ(RedirectOf(error("MOVED nonsense"), answering).kind, RedisRedirect::Kind::kNone);
  EXPECT_EQ(RedirectOf(error("ERR wrong type"), answering).kind, RedisRedirect::Kind::kNone);
  RedisReply ok;
  ok.type = RedisReply::Type::kStatus;
  ok.text = "MOVED 1 a:1";
  EXPECT_EQ(RedirectOf(ok, answering).kind, RedisRedirect::Kind::kNone);
}

TEST(Acknowledgement, FenceKeyInEverySlotAndWaitLast) {
  for (int slot = 0; slot < kRedisSlotCount; ++slot) {
    ASSERT_EQ(RedisKeySlot(AcknowledgementFenceKey(slot)), slot);
  }
  const auto commands = AcknowledgementCommands({.replicas = 2, .timeout = absl::Milliseconds(150)}, 77);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0][0], "SET");
  EXPECT_EQ(RedisKeySlot(commands[0][1]), 77);
  EXPECT_THAT(commands[1], ElementsAre("WAIT", "2", "150"));

  RedisReply fence;
  fence.type = RedisReply::Type::kStatus;
  RedisReply wait;
  wait.type = RedisReply::Type::kInteger;
  wait.integer = 1;
  const RedisAcknowledgement policy{.replicas = 2, .timeout = absl::Milliseconds(150)};
  absl::Status short_of_one = CheckAcknowledgement(policy, fence, wait, "store", {"127.0.0.1", 1});
  EXPECT_EQ(short_of_one.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(short_of_one.message()), HasSubstr("applied on the primary but only 1 of 2 replicas"));
  wait.integer = 2;
  EXPECT_TRUE(CheckAcknowledgement(policy, fence, wait, "store", {"127.0.0.1", 1}).ok());
}

RedisRoleSettings Settings(std::string address) {
  return {std::move(address), absl::Milliseconds(200), absl::Milliseconds(500), 8};
}

TEST(AddressSetting, EachForm) {
  auto single = RedisPoolOptionsFor("store", Settings("redis.internal:6380"));
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_EQ(single->topology, RedisAddress::Kind::kSingle);
  EXPECT_EQ(single->host, "redis.internal");
  EXPECT_EQ(single->port, 6380);

  auto sentinel = RedisPoolOptionsFor("store", Settings("redis-sentinel://10.0.0.1:26379,s2:26380/osteo-store"));
  ASSERT_TRUE(sentinel.ok()) << sentinel.status();
  EXPECT_EQ(sentinel->topology, RedisAddress::Kind::kSentinel);
  EXPECT_THAT(sentinel->seeds, ElementsAre(RedisEndpoint{"10.0.0.1", 26379}, RedisEndpoint{"s2", 26380}));
  EXPECT_EQ(sentinel->primary_name, "osteo-store");

  auto cluster = RedisPoolOptionsFor("cache", Settings("redis-cluster://c1:7000,c2:7001,c3:7002"));
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  EXPECT_EQ(cluster->topology, RedisAddress::Kind::kCluster);
  EXPECT_EQ(cluster->seeds.size(), 3u);
}

TEST(AddressSetting, ErrorsNameTheSetting) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nonsense", "want host:port, redis-sentinel://"},
      {"127.0.0.1:0", "want host:port"},
      {"127.0.0.1:65536", "want host:port"},
      {":6379", "want host:port"},
      {"redis://127.0.0.1:6379", "unknown scheme \"redis://\""},
      {"redis-sentinel://127.0.0.1:26379", "needs the primary's name"},
      {"redis-sentinel://127.0.0.1:26379/", "needs the primary's name"},
      {"redis-sentinel:///store", "needs at least one host:port"},
      {"redis-sentinel://127.0.0.1:26379/a b", "primary name \"a b\""},
      {"redis-sentinel://127.0.0.1:x/store", "\"127.0.0.1:x\" in redis-sentinel:// is not host:port"},
      {"redis-cluster://", "needs at least one host:port"},
      {"redis-cluster://a:1,,b:2", "\"\" in redis-cluster:// is not host:port"},
      {"redis-cluster://a:1,a:1", "a:1 is listed twice"},
      {"redis-cluster://a:1/name", "takes seed nodes only"},
  };
  for (const auto& [address, why] : cases) {
    auto options = RedisPoolOptionsFor("cache", Settings(address));
    ASSERT_FALSE(options.ok()) << address;
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(options.status().message()), StartsWith("cache_address: ")) << address;
    EXPECT_THAT(std::string(options.status().message()), HasSubstr(why)) << address;
  }
}

TEST(AcknowledgementSetting, CheckedAgainstTheCommandTimeout) {
  auto options = RedisPoolOptionsFor("store", Settings("127.0.0.1:6379"));
  ASSERT_TRUE(options.ok());
  auto off = WithAcknowledgement("store", *options, 0, absl::Milliseconds(100));
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->acknowledgement.replicas, 0);
  auto on = WithAcknowledgement("store", *options, 2, absl::Milliseconds(200));
  ASSERT_TRUE(on.ok());
  EXPECT_EQ(on->acknowledgement.replicas, 2);
  EXPECT_EQ(on->acknowledgement.timeout, absl::Milliseconds(200));

  auto negative = WithAcknowledgement("store", *options, -1, absl::Milliseconds(100));
  EXPECT_THAT(std::string(negative.status().message()), StartsWith("store_wait_replicas: "));
  auto too_many = WithAcknowledgement("store", *options, 17, absl::Milliseconds(100));
  EXPECT_THAT(std::string(too_many.status().message()), StartsWith("store_wait_replicas: "));
  auto too_long = WithAcknowledgement("store", *options, 1, absl::Milliseconds(500));
  EXPECT_THAT(std::string(too_long.status().message()), StartsWith("store_wait_timeout: "));
  EXPECT_THAT(std::string(too_long.status().message()), HasSubstr("less than store_command_timeout (500ms)"));
  auto zero = WithAcknowledgement("store", *options, 1, absl::ZeroDuration());
  EXPECT_THAT(std::string(zero.status().message()), StartsWith("store_wait_timeout: "));
}

}  // namespace
}  // namespace osteoflow

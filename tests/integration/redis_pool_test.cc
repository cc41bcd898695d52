// The hiredis pool against a real redis-server on a free loopback port.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;

RedisPoolOptions OptionsFor(int port) {
  RedisPoolOptions options;
  options.role = "store";
  options.port = port;
  return options;
}

TEST(RedisPool, RoundTripsEveryReplyKind) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  RedisPool pool(OptionsFor((*server)->port()));
  ASSERT_TRUE(pool.Ping().ok());

  auto set = pool.Execute({"SET", "osteoflow:v1:{p1}:k", std::string("a\0b", 3)});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->type, RedisReply::Type::kStatus);
  auto get = pool.Execute({"GET", "osteoflow:v1:{p1}:k"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->text, std::string("a\0b", 3));  // binary-safe
  auto missing = pool.Execute({"GET", "osteoflow:v1:{p1}:none"});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());

  auto transaction = pool.ExecutePipeline(
      {{"MULTI"}, {"INCR", "n"}, {"INCR", "n"}, {"EXEC"}});
  ASSERT_TRUE(transaction.ok()) << transaction.status();
  ASSERT_EQ(transaction->size(), 4u);
  const RedisReply& exec = transaction->back();
  ASSERT_EQ(exec.type, RedisReply::Type::kArray);
  ASSERT_EQ(exec.elements.size(), 2u);
  EXPECT_EQ(exec.elements[1].integer, 2);
}

TEST(RedisPool, ErrorRepliesBecomeStatuses) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  RedisPool pool(OptionsFor((*server)->port()));
  ASSERT_TRUE(pool.Execute({"SET", "text", "hello"}).ok());
  auto wrong = pool.Execute({"INCR", "text"});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("redis store refused"));
  // The connection stays usable after an error reply.
  EXPECT_TRUE(pool.Ping().ok());
  RedisReply loading;
  loading.type = RedisReply::Type::kError;
  loading.text = "LOADING Redis is loading the dataset in memory";
  EXPECT_EQ(StatusOfReply(loading, "store").code(), absl::StatusCode::kUnavailable);
}

TEST(RedisPool, AbsentRedisIsUnavailableQuicklyAndNeverCrashes) {
  RedisPool pool(OptionsFor(testing::PickFreePort()));  // nothing listens there
  const absl::Time started = absl::Now();
  auto reply = pool.Execute({"GET", "k"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(reply.status().message()), HasSubstr("redis store at 127.0.0.1:"));
  EXPECT_LT(absl::Now() - started, absl::Seconds(2));
  EXPECT_EQ(pool.Ping().code(), absl::StatusCode::kUnavailable);
}

TEST(RedisPool, RecoversAfterACrashWithoutANewPoolAndDurableDataSurvives) {
  auto server = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(server.ok()) << server.status();
  RedisPool pool(OptionsFor((*server)->port()));
  ASSERT_TRUE(pool.Execute({"SET", "acknowledged", "1"}).ok());

  (*server)->Kill();
  EXPECT_EQ(pool.Execute({"GET", "acknowledged"}).status().code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE((*server)->Restart().ok());
  auto after = pool.Execute({"GET", "acknowledged"});
  // The first call after the restart may meet a connection that died with the
  // old server; the one after it must succeed.
  if (!after.ok()) after = pool.Execute({"GET", "acknowledged"});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->text, "1");  // appendfsync always: acknowledged before the kill
}

// Connections left idle across a restart of Redis are found closed before
// use, so the first commands after the restart do not fail for nothing.
TEST(RedisPool, IdleConnectionsFromBeforeARestartAreNotUsed) {
  auto server = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(server.ok()) << server.status();
  RedisPool pool(OptionsFor((*server)->port()));
  // Eight connections open and idle.
  std::vector<std::thread> callers;
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&pool] { EXPECT_TRUE(pool.Execute({"BLPOP", "osteoflow:v1:{p1}:nothing", "0.05"}).ok()); });
  }
  for (std::thread& caller : callers) caller.join();

  (*server)->Kill();
  ASSERT_TRUE((*server)->Restart().ok());
  for (int i = 0; i < 8; ++i) {
    absl::Status ping = pool.Ping();
    EXPECT_TRUE(ping.ok()) << "command " << i << ": " << ping;
  }
}

TEST(RedisPool, ConcurrentCallersShareTheConnectionsSafely) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  RedisPoolOptions options = OptionsFor((*server)->port());
  options.max_connections = 4;
  options.acquire_timeout = absl::Seconds(5);
  RedisPool pool(options);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (!pool.Execute({"INCR", "counter"}).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto counter = pool.Execute({"GET", "counter"});
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(counter->text, "1600");
  auto clients = pool.Execute({"CLIENT", "LIST"});
  ASSERT_TRUE(clients.ok());
  EXPECT_LE(std::count(clients->text.begin(), clients->text.end(), '\n'), 4);
}

TEST(RedisPool, AllConnectionsBusyIsUnavailableNotAHang) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  RedisPoolOptions options = OptionsFor((*server)->port());
  options.max_connections = 1;
  options.command_timeout = absl::Seconds(2);
  options.acquire_timeout = absl::Milliseconds(50);
  RedisPool pool(options);
  std::thread holder([&] { (void)pool.Execute({"BLPOP", "empty-list", "0.5"}); });
  absl::SleepFor(absl::Milliseconds(150));
  auto busy = pool.Execute({"PING"});
  EXPECT_EQ(busy.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(busy.status().message()), HasSubstr("busy"));
  holder.join();
  EXPECT_TRUE(pool.Ping().ok());
}

TEST(RedisPool, ACommandThatTimesOutIsUnavailableAndTheConnectionIsReplaced) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  RedisPoolOptions options = OptionsFor((*server)->port());
  options.max_connections = 1;
  options.command_timeout = absl::Milliseconds(100);
  RedisPool pool(options);
  auto slow = pool.Execute({"BLPOP", "empty-list", "1"});
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kUnavailable);
  // The late BLPOP reply must not be read as the answer to the next command.
  auto ping = pool.Execute({"PING"});
  ASSERT_TRUE(ping.ok()) << ping.status();
  EXPECT_EQ(ping->text, "PONG");
}

}  // namespace
}  // namespace osteoflow

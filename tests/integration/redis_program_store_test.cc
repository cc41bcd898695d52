// The progress store against a real, durable redis-server (append-only,
// fsync always) on a free loopback port: atomic, idempotent changes, nothing
// lost across kill -9, outages as UNAVAILABLE.
#include "services/progress/store/redis_program_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace osteoflow::progress {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

std::shared_ptr<RedisPool> PoolFor(int port) {
  RedisPoolOptions options;
  options.role = "store";
  options.port = port;
  options.connect_timeout = absl::Milliseconds(200);
  options.command_timeout = absl::Milliseconds(1000);
  options.max_connections = 16;
  options.acquire_timeout = absl::Seconds(2);
  return std::make_shared<RedisPool>(options);
}

class RedisProgramStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start({.durable = true});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    pool_ = PoolFor(server_->port());
    store_ = std::make_unique<RedisProgramStore>(pool_);
  }

  std::unique_ptr<testing::RedisServer> server_;
  std::shared_ptr<RedisPool> pool_;
  std::unique_ptr<RedisProgramStore> store_;
};

NewRecord Session(const std::string& id, int64_t order) {
  return NewRecord{RecordKind::kSession, id, absl::StrCat("log ", id), order};
}

TEST_F(RedisProgramStoreTest, CreatesOnceAndKeepsTheFirstOnARetry) {
  std::string stored;
  auto created = store_->CreateProgram("p1", "prog1", 1000, "first", &stored);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(*created);
  EXPECT_EQ(stored, "first");
  created = store_->CreateProgram("p1", "prog1", 2000, "second", &stored);
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(*created);
  EXPECT_EQ(stored, "first");
  auto got = store_->GetProgram("p1", "prog1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value(), "first");
  got = store_->GetProgram("p1", "other");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  // One patient's keys share a hash tag, so a cluster keeps them in one slot.
  auto keys = pool_->Execute({"KEYS", "*"});
  ASSERT_TRUE(keys.ok());
  for (const RedisReply& key : keys->elements) EXPECT_THAT(key.text, ::testing::HasSubstr("{p1}")) << key.text;
}

TEST_F(RedisProgramStoreTest, ACommitChangesTheProgrammeAndAddsItsRecordTogether) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, "v1", nullptr).ok());
  auto result = store_->Commit("p1", "prog1", "v1", "v2", Session("s1", 1), nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, CommitResult::kCommitted);
  EXPECT_EQ(store_->GetProgram("p1", "prog1")->value(), "v2");
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100), ElementsAre("log s1"));

  // Against a programme that moved on: nothing changes.
  result = store_->Commit("p1", "prog1", "v1", "v3", Session("s2", 2), nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, CommitResult::kConflict);
  EXPECT_EQ(store_->GetProgram("p1", "prog1")->value(), "v2");
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100), ElementsAre("log s1"));

  // A retry of a committed change finds its record, whatever happened since.
  std::string stored;
  result = store_->Commit("p1", "prog1", "stale", "v9", Session("s1", 7), &stored);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, CommitResult::kAlreadyStored);
  EXPECT_EQ(stored, "log s1");
  EXPECT_EQ(store_->GetProgram("p1", "prog1")->value(), "v2");

  // Measurements are their own list; a missing programme is said so.
  result = store_->Commit("p1", "prog1", "v2", "", NewRecord{RecordKind::kMeasurement, "m1", "height", 1}, nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, CommitResult::kCommitted);
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kMeasurement, 100), ElementsAre("height"));
  EXPECT_EQ(*store_->Commit("p1", "nope", "", "", Session("s3", 3), nullptr), CommitResult::kMissing);
}

TEST_F(RedisProgramStoreTest, EightClientsRetryingTheirLogsStoreEachExactlyOnce) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, "rev-0", nullptr).ok());
  constexpr int kClients = 8;
  constexpr int kLogsEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int n = 0; n < kLogsEach; ++n) {
        const std::string id = absl::StrCat("c", c, "-", n);
        // Each log changes the programme (a counter of logs), as a log that
        // pauses it would, so concurrent logs conflict and must retry.
        for (int attempt = 0; attempt < 3; ++attempt) {  // a client's own retries of one request
          for (int tries = 0; tries < 1000; ++tries) {
            auto current = store_->GetProgram("p1", "prog1");
            if (!current.ok() || !current->has_value()) {
              ++failures;
              break;
            }
            const int count = std::stoi(current->value().substr(4)) + 1;
            auto result = store_->Commit("p1", "prog1", current->value(), absl::StrCat("rev-", count),
                                         Session(id, c * 1000 + n), nullptr);
            if (!result.ok()) {
              ++failures;
              break;
            }
            if (*result != CommitResult::kConflict) break;
          }
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
  // Every log once, and the programme counted each exactly once.
  std::vector<std::string> expected;
  for (int c = 0; c < kClients; ++c) {
    for (int n = 0; n < kLogsEach; ++n) expected.push_back(absl::StrCat("log c", c, "-", n));
  }
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 1000), UnorderedElementsAreArray(expected));
  EXPECT_EQ(store_->GetProgram("p1", "prog1")->value(), absl::StrCat("rev-", kClients * kLogsEach));
}

TEST_F(RedisProgramStoreTest, AcknowledgedChangesSurviveKillNineAndOutagesAreUnavailable) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, "v1", nullptr).ok());
  ASSERT_EQ(*store_->Commit("p1", "prog1", "v1", "v2", Session("s1", 1), nullptr), CommitResult::kCommitted);
  server_->Kill();
  EXPECT_EQ(store_->GetProgram("p1", "prog1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_->Commit("p1", "prog1", "v2", "v3", Session("s2", 2), nullptr).status().code(),
            absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Restart().ok());
  // The same pool, no restart of ours: what was acknowledged is there, and
  // nothing of the failed change.
  absl::StatusOr<std::optional<std::string>> got;
  for (int i = 0; i < 50; ++i) {
    got = store_->GetProgram("p1", "prog1");
    if (got.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->value(), "v2");
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100), ElementsAre("log s1"));
}

TEST_F(RedisProgramStoreTest, ListsAPatientsProgrammesNewestFirstInPages) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->CreateProgram("p1", absl::StrCat("prog", i), 1000 + i, absl::StrCat("v", i), nullptr).ok());
  }
  ASSERT_TRUE(store_->CreateProgram("p2", "other", 5000, "theirs", nullptr).ok());
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = store_->ListPrograms("p1", 2, cursor);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const std::string& program : page->programs) seen.push_back(program);
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_THAT(seen, ElementsAre("v4", "v3", "v2", "v1", "v0"));
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(store_->ListPrograms("p1", 2, "garbage").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisProgramStoreTest, IdsThatCouldReachOtherKeysAreRefused) {
  EXPECT_EQ(store_->CreateProgram("p1}x", "prog1", 1, "v", nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetProgram("p1", "a:b").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Commit("p1", "prog1", "", "", NewRecord{RecordKind::kSession, "../x", "b", 1}, nullptr)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace osteoflow::progress

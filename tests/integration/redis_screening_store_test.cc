// The Redis screening store against a real redis-server on a free loopback
// port (durable: append-only, fsync always), no fakes.
#include "services/screening/store/redis_screening_store.h"

#include <google/protobuf/util/message_differencer.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace osteoflow::screening {
namespace {

namespace support = ::osteoflow::testing;
using ::google::protobuf::util::MessageDifferencer;
using ::osteoflow::screening::v1::Screening;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Screening MakeScreening(const std::string& patient_id, const std::string& screening_id,
                        const std::string& request_id, int64_t seconds, int32_t nanos = 0) {
  Screening screening;
  screening.set_name(absl::StrCat("patients/", patient_id, "/screenings/", screening_id));
  screening.set_request_id(request_id);
  screening.mutable_create_time()->set_seconds(seconds);
  screening.mutable_create_time()->set_nanos(nanos);
  screening.mutable_intake()->set_patient_id(patient_id);
  return screening;
}

int64_t MicrosOf(const Screening& screening) {
  return screening.create_time().seconds() * 1000000 + screening.create_time().nanos() / 1000;
}

// CreateOnce with a message; `stored` gets the stored one on a retry.
absl::StatusOr<bool> Create(ScreeningStore& store, absl::string_view patient_id,
                            absl::string_view screening_id, const Screening& screening,
                            Screening* stored = nullptr) {
  std::string stored_record;
  absl::StatusOr<bool> created = store.CreateOnce(
      patient_id, screening_id, MicrosOf(screening), screening.SerializeAsString(), &stored_record);
  if (created.ok() && !*created && stored != nullptr) {
    EXPECT_TRUE(stored->ParseFromString(stored_record));
  }
  return created;
}

std::shared_ptr<RedisPool> PoolFor(int port) {
  return std::make_shared<RedisPool>(RedisPoolOptions{.role = "store", .port = port});
}

std::vector<std::string> Names(const std::vector<Screening>& screenings) {
  std::vector<std::string> names;
  for (const Screening& screening : screenings) names.push_back(screening.name());
  return names;
}

class RedisScreeningStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = support::RedisServer::Start({.durable = true});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    pool_ = PoolFor(server_->port());
    store_ = std::make_unique<RedisScreeningStore>(pool_);
  }

  long long Integer(const std::vector<std::string>& command) {
    auto reply = pool_->Execute(command);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? reply->integer : -1;
  }

  std::unique_ptr<support::RedisServer> server_;
  std::shared_ptr<RedisPool> pool_;
  std::unique_ptr<RedisScreeningStore> store_;
};

TEST_F(RedisScreeningStoreTest, CreatesOnceAndGetReturnsTheFirst) {
  const Screening first = MakeScreening("p1", "s1", "r1", 1'700'000'000, 123'456'000);
  Screening stored;
  auto created = Create(*store_, "p1", "s1", first, &stored);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(*created);

  auto got = store_->Get("p1", "s1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*got, first)) << got->DebugString();

  Screening second = MakeScreening("p1", "s1", "r2", 1'700'000'100);
  second.mutable_result()->set_outcome(v1::OUTCOME_REFER);
  auto again = Create(*store_, "p1", "s1", second, &stored);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(*again);
  EXPECT_TRUE(MessageDifferencer::Equals(stored, first)) << stored.DebugString();
  got = store_->Get("p1", "s1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*got, first));
  // The key layout is a contract with stored data: pin it.
  auto members =
      pool_->Execute({"ZRANGE", "osteoflow:v1:{p1}:screenings", "0", "-1", "WITHSCORES"});
  ASSERT_TRUE(members.ok()) << members.status();
  ASSERT_EQ(members->elements.size(), 2u);
  EXPECT_EQ(members->elements[0].text, "s1");
  EXPECT_EQ(members->elements[1].text, "1700000000123456");  // create_time in microseconds
  EXPECT_EQ(Integer({"EXISTS", "osteoflow:v1:{p1}:screening:s1"}), 1);

  auto absent = store_->Get("p1", "s2");
  EXPECT_EQ(absent.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(absent.status().message()), HasSubstr("no screening s2 for patient p1"));
  EXPECT_EQ(store_->Get("p2", "s1").status().code(), absl::StatusCode::kNotFound);
}

// A store that refuses writes (out of memory under noeviction) aborts the
// transaction: UNAVAILABLE, retryable, and nothing written.
TEST_F(RedisScreeningStoreTest, RefusedWritesAreUnavailableAndWriteNothing) {
  ASSERT_TRUE(pool_->Execute({"CONFIG", "SET", "maxmemory", "1"}).ok());
  // Readiness sees it too: the store answers but cannot write.
  EXPECT_EQ(store_->CheckWritable().code(), absl::StatusCode::kUnavailable);
  auto refused = Create(*store_, "p1", "s1", MakeScreening("p1", "s1", "r1", 1000));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("OOM"));
  ASSERT_TRUE(pool_->Execute({"CONFIG", "SET", "maxmemory", "0"}).ok());
  EXPECT_TRUE(store_->CheckWritable().ok());
  EXPECT_EQ(Integer({"EXISTS", "osteoflow:v1:{p1}:screening:s1"}), 0);
  EXPECT_EQ(Integer({"EXISTS", "osteoflow:v1:{p1}:screenings"}), 0);
  auto created = Create(*store_, "p1", "s1", MakeScreening("p1", "s1", "r1", 1000));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(*created);
}

TEST_F(RedisScreeningStoreTest, CorruptRecordIsInternal) {
  ASSERT_TRUE(pool_->Execute({"SET", "osteoflow:v1:{p1}:screening:bad", "\xff\xff\xff"}).ok());
  auto got = store_->Get("p1", "bad");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("corrupt"));
  // CreateOnce hands the stored bytes back as they are; the caller judges them.
  std::string stored_record;
  auto created = store_->CreateOnce("p1", "bad", 1000000, "new", &stored_record);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(*created);
  EXPECT_EQ(stored_record, "\xff\xff\xff");
  // The stored bytes are left as they were for someone to look at.
  auto raw = pool_->Execute({"GET", "osteoflow:v1:{p1}:screening:bad"});
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->text, "\xff\xff\xff");
}

TEST_F(RedisScreeningStoreTest, ListsNewestFirstInPages) {
  struct Item {
    std::string id;
    int64_t seconds;
    int32_t nanos;
  };
  // Inserted out of order; f and g share a time, c and d are 1 µs apart.
  const std::vector<Item> items = {{"b", 1003, 0},           {"a", 1000, 0},
                                   {"f", 1004, 0},           {"d", 1001, 500'001'000},
                                   {"g", 1004, 0},           {"e", 1005, 0},
                                   {"c", 1001, 500'000'000}};
  for (const Item& item : items) {
    ASSERT_TRUE(
        Create(*store_, "p1", item.id, MakeScreening("p1", item.id, "r", item.seconds, item.nanos))
            .ok());
    // Another patient's screenings, same ids, interleaved times.
    ASSERT_TRUE(
        Create(*store_, "p2", item.id, MakeScreening("p2", item.id, "r", item.seconds + 1, 0))
            .ok());
  }
  std::vector<std::string> expected;
  for (const char* id : {"e", "g", "f", "b", "d", "c", "a"}) {
    expected.push_back(absl::StrCat("patients/p1/screenings/", id));
  }

  std::vector<std::string> seen;
  std::vector<size_t> page_sizes;
  std::string cursor;
  do {
    auto page = store_->List("p1", 3, cursor);
    ASSERT_TRUE(page.ok()) << page.status();
    page_sizes.push_back(page->screenings.size());
    for (const std::string& name : Names(page->screenings)) seen.push_back(name);
    cursor = page->next_cursor;
    ASSERT_LE(page_sizes.size(), 4u) << "the pages do not end";
  } while (!cursor.empty());
  EXPECT_THAT(page_sizes, ElementsAreArray({3u, 3u, 1u}));
  EXPECT_THAT(seen, ElementsAreArray(expected));  // also: no duplicates, no other patient

  // Exactly one full page: no cursor.
  auto whole = store_->List("p1", 7, "");
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_THAT(Names(whole->screenings), ElementsAreArray(expected));
  EXPECT_THAT(whole->next_cursor, IsEmpty());
  // The same call gives the same answer.
  auto first = store_->List("p1", 3, "");
  auto first_again = store_->List("p1", 3, "");
  ASSERT_TRUE(first.ok() && first_again.ok());
  EXPECT_EQ(first->next_cursor, first_again->next_cursor);

  auto nobody = store_->List("p3", 10, "");
  ASSERT_TRUE(nobody.ok()) << nobody.status();
  EXPECT_THAT(nobody->screenings, IsEmpty());
  EXPECT_THAT(nobody->next_cursor, IsEmpty());

  for (const std::string bad :
       {"x", "nonsense:e", "(1005:e", "-1005:e", "1005:", "1005:e f", "1005:{p2}", "100x:e",
        "1005"}) {
    auto page = store_->List("p1", 3, bad);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(page.status().message()), HasSubstr("page_token: not valid"));
  }
  for (const int size : {0, -1, 101}) {
    EXPECT_EQ(store_->List("p1", size, "").status().code(), absl::StatusCode::kInvalidArgument)
        << size;
  }
  auto largest = store_->List("p1", 100, "");
  ASSERT_TRUE(largest.ok()) << largest.status();
  EXPECT_EQ(largest->screenings.size(), 7u);
}

TEST_F(RedisScreeningStoreTest, OutageIsUnavailableAndTheSameStoreRecovers) {
  const Screening before = MakeScreening("p1", "before", "r1", 1000);
  ASSERT_TRUE(Create(*store_, "p1", "before", before).ok());

  server_->Kill();
  const absl::Time started = absl::Now();
  EXPECT_EQ(Create(*store_, "p1", "during", MakeScreening("p1", "during", "r2", 1001))
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_->Get("p1", "before").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_->List("p1", 10, "").status().code(), absl::StatusCode::kUnavailable);
  const absl::Status ping = store_->CheckWritable();
  EXPECT_EQ(ping.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(ping.message()), HasSubstr("redis store"));
  EXPECT_LT(absl::Now() - started, absl::Seconds(3));

  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_TRUE(store_->CheckWritable().ok());
  // Acknowledged before the kill, with appendfsync always: still there.
  auto got = store_->Get("p1", "before");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*got, before));
  auto after = Create(*store_, "p1", "after", MakeScreening("p1", "after", "r3", 1002));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(*after);
  auto page = store_->List("p1", 10, "");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Names(page->screenings),
              ElementsAreArray({"patients/p1/screenings/after", "patients/p1/screenings/before"}));
}

TEST_F(RedisScreeningStoreTest, ConcurrentCreatesStoreEachIdOnce) {
  constexpr int kThreads = 8;
  constexpr int kIds = 20;
  std::vector<std::atomic<int>> created(kIds);
  // What each thread got back for each id: the winner's request_id.
  std::vector<std::vector<std::string>> returned(kThreads, std::vector<std::string>(kIds));
  std::atomic<int> failures{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kIds; ++i) {
        const std::string id = absl::StrCat("s", i);
        // Payloads, and so index members, differ per thread.
        const Screening mine =
            MakeScreening("p1", id, absl::StrCat("t", t), 5000 + t, i * 1000);
        Screening stored;
        auto result = Create(*store_, "p1", id, mine, &stored);
        if (!result.ok()) {
          ++failures;
          continue;
        }
        if (*result) ++created[static_cast<size_t>(i)];
        returned[static_cast<size_t>(t)][static_cast<size_t>(i)] =
            *result ? mine.request_id() : stored.request_id();
      }
    });
  }
  go = true;
  for (std::thread& thread : threads) thread.join();

  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(Integer({"ZCARD", "osteoflow:v1:{p1}:screenings"}), kIds);
  for (int i = 0; i < kIds; ++i) {
    const size_t index = static_cast<size_t>(i);
    EXPECT_EQ(created[index].load(), 1) << "s" << i;
    auto stored = store_->Get("p1", absl::StrCat("s", i));
    ASSERT_TRUE(stored.ok()) << stored.status();
    for (int t = 0; t < kThreads; ++t) {
      EXPECT_EQ(returned[static_cast<size_t>(t)][index], stored->request_id()) << "s" << i;
    }
  }
  // The index agrees with the records: every member lists its own record once.
  auto page = store_->List("p1", 100, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->screenings.size(), static_cast<size_t>(kIds));
  std::set<std::string> names;
  for (const Screening& listed : page->screenings) {
    names.insert(listed.name());
    const std::string id = listed.name().substr(listed.name().rfind('/') + 1);
    auto stored = store_->Get("p1", id);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_TRUE(MessageDifferencer::Equals(listed, *stored)) << id;
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kIds));
}

TEST(RedisScreeningStore, AbsentRedisIsUnavailableAndNeverCrashes) {
  RedisScreeningStore store(PoolFor(support::PickFreePort()));  // nothing listens there
  const absl::Time started = absl::Now();
  EXPECT_EQ(Create(store, "p1", "s1", MakeScreening("p1", "s1", "r1", 1)).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.Get("p1", "s1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.List("p1", 10, "").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.CheckWritable().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - started, absl::Seconds(3));
}

TEST_F(RedisScreeningStoreTest, RefusesIdsThatAreNotOpaqueAndWritesNothing) {
  for (const std::string bad : {"p{1}", "p}1", "p{", "p:1", "p 1", " ", "", "p1\n", "p*"}) {
    const Screening screening = MakeScreening("p1", "s1", "r1", 1000);
    EXPECT_EQ(Create(*store_, bad, "s1", screening).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(Create(*store_, "p1", bad, screening).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(store_->Get(bad, "s1").status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store_->Get("p1", bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store_->List(bad, 10, "").status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  // A create_time before the epoch has no place in the index either.
  EXPECT_EQ(Create(*store_, "p1", "s1", MakeScreening("p1", "s1", "r1", -1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Integer({"DBSIZE"}), 0);
}

}  // namespace
}  // namespace osteoflow::screening

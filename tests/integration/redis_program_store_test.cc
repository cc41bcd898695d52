// The progress store against a real, durable redis-server (append-only,
// fsync always) on a free loopback port: atomic, idempotent changes, nothing
// lost across kill -9, outages as UNAVAILABLE.
#include "services/progress/store/redis_program_store.h"

#include <zlib.h>
#include <zstd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/digest/content_digest.h"
#include "common/redis/redis_pool.h"
#include "services/progress/store/packed_values.h"
#include "services/progress/store/store_dictionaries.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace osteoflow::progress {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
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

// A programme record alone, or with a plan.
StoredProgram Record(const std::string& program, const std::string& plan = "") { return {program, plan}; }

std::string RecordOf(ProgramStore& store, const std::string& patient, const std::string& id) {
  auto got = store.GetProgram(patient, id);
  if (!got.ok() || !got->has_value()) return "<none>";
  return got->value().program;
}

std::string PlanOf(ProgramStore& store, const std::string& patient, const std::string& id) {
  auto got = store.GetProgram(patient, id);
  if (!got.ok() || !got->has_value()) return "<none>";
  return got->value().plan;
}

TEST_F(RedisProgramStoreTest, CreatesOnceAndKeepsTheFirstOnARetry) {
  StoredProgram stored;
  auto created = store_->CreateProgram("p1", "prog1", 1000, Record("first", "plan 1"), &stored);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(*created);
  EXPECT_EQ(stored.program, "first");
  created = store_->CreateProgram("p1", "prog1", 2000, Record("second", "plan 2"), &stored);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(*created);
  EXPECT_EQ(stored.program, "first");
  EXPECT_EQ(stored.plan, "plan 1");
  EXPECT_EQ(RecordOf(*store_, "p1", "prog1"), "first");
  EXPECT_EQ(PlanOf(*store_, "p1", "prog1"), "plan 1");
  auto missing = store_->GetProgram("p1", "other");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  // A referred programme has no plan.
  ASSERT_TRUE(store_->CreateProgram("p1", "referred", 3000, Record("no plan"), nullptr).ok());
  EXPECT_EQ(PlanOf(*store_, "p1", "referred"), "");
  EXPECT_EQ(store_->CreateProgram("p1", "empty", 3000, Record(""), nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisProgramStoreTest, ACommitChangesTheProgrammeItsPlanAndAddsItsRecordTogether) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, Record("v1", "plan 1"), nullptr).ok());
  auto result = store_->Commit("p1", "prog1", "v1", Record("v2"), Session("s1", 1), nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, CommitResult::kCommitted);
  EXPECT_EQ(RecordOf(*store_, "p1", "prog1"), "v2");
  EXPECT_EQ(PlanOf(*store_, "p1", "prog1"), "plan 1");  // an empty plan keeps it
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100, {}), ElementsAre("log s1"));

  // Stale: nothing changes.
  result = store_->Commit("p1", "prog1", "v1", Record("v3", "plan 3"), Session("s2", 2), nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, CommitResult::kConflict);
  EXPECT_EQ(RecordOf(*store_, "p1", "prog1"), "v2");
  EXPECT_EQ(PlanOf(*store_, "p1", "prog1"), "plan 1");
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100, {}), ElementsAre("log s1"));

  // A retry of a committed record gets it back, whatever the programme is now.
  std::string stored;
  result = store_->Commit("p1", "prog1", "stale", Record("v9"), Session("s1", 7), &stored);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, CommitResult::kAlreadyStored);
  EXPECT_EQ(stored, "log s1");
  EXPECT_EQ(RecordOf(*store_, "p1", "prog1"), "v2");

  // A new week: programme and plan replaced, the finished week kept.
  result = store_->Commit("p1", "prog1", "v2", Record("v3", "plan 2"), NewRecord{RecordKind::kWeek, "w1", "week 1", 1},
                          nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, CommitResult::kCommitted);
  EXPECT_EQ(RecordOf(*store_, "p1", "prog1"), "v3");
  EXPECT_EQ(PlanOf(*store_, "p1", "prog1"), "plan 2");
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kWeek, 100, {}), ElementsAre("week 1"));

  result = store_->Commit("p1", "prog1", "v3", Record(""), NewRecord{RecordKind::kMeasurement, "m1", "height", 1},
                          nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, CommitResult::kCommitted);
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kMeasurement, 100, {}), ElementsAre("height"));
  EXPECT_EQ(*store_->Commit("p1", "nope", "", Record(""), Session("s3", 3), nullptr), CommitResult::kMissing);
}

// A quota is checked in the same script as the write: eight writers racing
// for the last places of a range never put more than its limit in it, and a
// retry of a stored record still gets it back when the range is full.
TEST_F(RedisProgramStoreTest, QuotasHoldUnderConcurrentCommits) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1, Record("v1"), nullptr).ok());
  // Days are a hundred orders long here; the week is ten of them.
  auto limited = [](const std::string& id, int64_t order) {
    NewRecord record = Session(id, order);
    const int64_t day = order / 100 * 100;
    record.quotas = {RecordQuota{{day, day + 99}, 5}, RecordQuota{{100, 999}, 7}};
    return record;
  };
  std::atomic<int> committed{0}, refused{0};
  std::vector<std::thread> writers;
  for (int writer = 0; writer < 8; ++writer) {
    writers.emplace_back([&, writer] {
      for (int n = 0; n < 4; ++n) {
        auto result = store_->Commit("p1", "prog1", "v1", Record(""), limited(absl::StrCat("d", writer, "-", n),
                                                                               100 + writer * 4 + n), nullptr);
        ASSERT_TRUE(result.ok()) << result.status();
        if (*result == CommitResult::kCommitted) ++committed;
        if (*result == CommitResult::kQuotaReached) ++refused;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(committed.load(), 5);
  EXPECT_EQ(refused.load(), 27);
  EXPECT_EQ(store_->Records("p1", "prog1", RecordKind::kSession, 100, {})->size(), 5u);
  // Another day of the week: room for two more, then the week is full.
  EXPECT_EQ(*store_->Commit("p1", "prog1", "v1", Record(""), limited("e1", 300), nullptr), CommitResult::kCommitted);
  EXPECT_EQ(*store_->Commit("p1", "prog1", "v1", Record(""), limited("e2", 301), nullptr), CommitResult::kCommitted);
  EXPECT_EQ(*store_->Commit("p1", "prog1", "v1", Record(""), limited("e3", 302), nullptr),
            CommitResult::kQuotaReached);
  std::string stored;
  EXPECT_EQ(*store_->Commit("p1", "prog1", "v1", Record(""), limited("e1", 300), &stored),
            CommitResult::kAlreadyStored);
  EXPECT_EQ(stored, "log e1");
}

TEST_F(RedisProgramStoreTest, RecordsAreReadInOrderWithinARange) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, Record("v1"), nullptr).ok());
  for (const int order : {30, 10, 20, 40}) {
    ASSERT_EQ(*store_->Commit("p1", "prog1", "v1", Record(""), Session(absl::StrCat("s", order), order), nullptr),
              CommitResult::kCommitted);
  }
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100, {}),
              ElementsAre("log s10", "log s20", "log s30", "log s40"));
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100, OrderRange{20, 30}),
              ElementsAre("log s20", "log s30"));
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 2, OrderRange{15, 100}),
              ElementsAre("log s20", "log s30"));
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100, OrderRange{41, 50}), ElementsAre());
}

TEST_F(RedisProgramStoreTest, ScriptsRunByDigestAndComeBackAfterRedisForgetsThem) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, Record("v1"), nullptr).ok());
  // As after a restart of Redis or a failover: the script cache is empty.
  ASSERT_TRUE(pool_->Execute({"SCRIPT", "FLUSH"}).ok());
  auto result = store_->Commit("p1", "prog1", "v1", Record("v2"), Session("s1", 1), nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, CommitResult::kCommitted);
  // Exactly one record: the refused EVALSHA changed nothing.
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100, {}), ElementsAre("log s1"));
  EXPECT_EQ(RecordOf(*store_, "p1", "prog1"), "v2");
}

std::string SomePlan() {
  std::string plan;
  for (int i = 0; plan.size() < 20000; ++i) {
    plan += absl::StrCat("exercise ", i % 12, ": keep your back straight and bend from the hips; DOSE-STRENGTH;");
  }
  return plan;
}

TEST(PackedValues, LargeValuesShrinkAndComeBackExactlySmallOnesAreKeptAsTheyAre) {
  const std::string plan = SomePlan();
  for (const PackFormat format : {PackFormat::kZstdDictionary, PackFormat::kZstd}) {
    const std::string packed = PackValue(plan, format);
    EXPECT_LT(packed.size(), plan.size() / 3);
    EXPECT_EQ(packed[0], format == PackFormat::kZstdDictionary ? '\2' : '\1');
    EXPECT_EQ(*UnpackValue(packed), plan);
    // Damage anywhere in the frame is found by its checksum or its structure.
    for (size_t at : {size_t{1}, packed.size() / 3, packed.size() / 2, packed.size() - 1}) {
      std::string damaged = packed;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x55);
      EXPECT_EQ(UnpackValue(damaged).status().code(), absl::StatusCode::kInternal) << "byte " << at;
    }
    EXPECT_EQ(UnpackValue(packed.substr(0, packed.size() - 7)).status().code(), absl::StatusCode::kInternal);
  }
  EXPECT_EQ(PackValue("a small log"), "a small log");
  EXPECT_EQ(*UnpackValue("a small log"), "a small log");
  EXPECT_EQ(UnpackValue(std::string(3, '\0')).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(UnpackValue(std::string(1, '\1')).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(UnpackValue(std::string(1, '\2')).status().code(), absl::StatusCode::kInternal);
}

// A session log of a few hundred bytes: without a dictionary not worth
// packing, with one mostly the catalog's and the rules' words.
TEST(PackedValues, TheDictionaryPacksEvenASessionLogAndNamesItselfInTheFrame) {
  std::string log;
  for (const char* exercise : {"exercises/sit-to-stand", "exercises/wall-push-up", "exercises/tandem-walk",
                               "exercises/brisk-walking"}) {
    absl::StrAppend(&log, exercise, " PROG-REPS PROG-EFFORT effort 6 of 10, no pain, form kept;");
  }
  EXPECT_EQ(PackValue(log, PackFormat::kZstd), log);
  const std::string packed = PackValue(log);
  ASSERT_EQ(packed[0], '\2');
  EXPECT_LT(packed.size(), log.size() * 2 / 3);
  EXPECT_EQ(*UnpackValue(packed), log);
  const StoreDictionary* newest = NewestStoreDictionary();
  ASSERT_NE(newest, nullptr);
  EXPECT_EQ(ZSTD_getDictID_fromFrame(packed.data() + 1, packed.size() - 1), newest->id());
}

// A frame naming a dictionary this build lacks (written by a later version)
// is refused by name, never read as something else.
TEST(PackedValues, AValuePackedWithADictionaryThisBuildLacksIsRefusedSayingWhich) {
  const std::string plan = SomePlan();
  std::string foreign = PackValue(plan);
  ASSERT_EQ(foreign[0], '\2');
  // The frame header: the magic number, a descriptor (its low bits say how
  // long the dictionary id is; bit 5, when clear, that a window byte comes
  // first), then the id.
  const auto descriptor = static_cast<unsigned char>(foreign[1 + 4]);
  ASSERT_EQ(descriptor & 0x03, 1) << "a one-byte dictionary id";
  foreign[1 + 4 + 1 + ((descriptor & 0x20) != 0 ? 0 : 1)] = static_cast<char>(200);
  const absl::Status refused = UnpackValue(foreign).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("dictionary 200"));
  // And a plain frame claiming a dictionary is damaged.
  std::string plain = foreign;
  plain[0] = '\1';
  EXPECT_EQ(UnpackValue(plain).status().code(), absl::StatusCode::kInternal);
}

// Values packed with a dictionary are readable only while that dictionary
// ships, byte for byte: a shipped one may never change or go. A new one gets
// a new id and a new line here.
TEST(StoreDictionaries, EveryShippedDictionaryIsTheOneRecordedForItsId) {
  const std::map<uint32_t, std::string> recorded = {
      {1, "fa8a57f9974760e03cc67a09c6720a7145c01d95254e27cbdae40369c8bf0a76"},
  };
  std::map<uint32_t, std::string> shipped;
  for (const ShippedDictionaryFile& file : ShippedDictionaryFiles()) {
    const uint32_t id = ZSTD_getDictID_fromDict(file.bytes, file.size);
    ASSERT_NE(id, 0u) << file.name << " is not a zstd dictionary";
    ASSERT_NE(FindStoreDictionary(id), nullptr);
    EXPECT_EQ(std::string(file.name), absl::StrCat("store-dictionary-", id, ".zdict"));
    shipped[id] = absl::BytesToHexString(Sha256(absl::string_view(reinterpret_cast<const char*>(file.bytes), file.size)));
  }
  for (const auto& [id, digest] : recorded) {
    ASSERT_TRUE(shipped.count(id)) << "dictionary " << id << " no longer ships: values packed with it are unreadable";
    EXPECT_EQ(shipped[id], digest) << "dictionary " << id << " changed: values packed with it are unreadable";
  }
  for (const auto& [id, digest] : shipped) {
    EXPECT_TRUE(recorded.count(id)) << "add: {" << id << ", \"" << digest << "\"},";
  }
}

// Values packed by earlier versions: a zero byte, the size (4 bytes,
// little-endian), then a zlib stream.
TEST(PackedValues, ValuesDeflatedByEarlierVersionsAreStillRead) {
  const std::string plan = SomePlan();
  uLongf size = compressBound(static_cast<uLong>(plan.size()));
  std::string deflated(5 + size, '\0');
  for (int i = 0; i < 4; ++i) deflated[1 + i] = static_cast<char>((plan.size() >> (8 * i)) & 0xff);
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(deflated.data() + 5), &size, reinterpret_cast<const Bytef*>(plan.data()),
                      static_cast<uLong>(plan.size()), 1),
            Z_OK);
  deflated.resize(5 + size);
  EXPECT_EQ(*UnpackValue(deflated), plan);
  // And written so on request, for a rolling upgrade from such a version.
  EXPECT_EQ(PackValue(plan, PackFormat::kZlib), deflated);
  EXPECT_EQ(*ParsePackFormat("zlib"), PackFormat::kZlib);
  EXPECT_EQ(*ParsePackFormat("zstd"), PackFormat::kZstd);
  EXPECT_EQ(*ParsePackFormat("zstd-dictionary"), PackFormat::kZstdDictionary);
  EXPECT_FALSE(ParsePackFormat("lz4").ok());
  deflated[deflated.size() / 2] = static_cast<char>(deflated[deflated.size() / 2] ^ 0x55);
  EXPECT_EQ(UnpackValue(deflated).status().code(), absl::StatusCode::kInternal);
}

TEST_F(RedisProgramStoreTest, PlansAndWeeksAreStoredPackedAndReadBackWhole) {
  std::string plan;
  for (int i = 0; plan.size() < 20000; ++i) plan += absl::StrCat("item ", i % 20, " with its cues and citations;");
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, Record("v1", plan), nullptr).ok());
  EXPECT_EQ(PlanOf(*store_, "p1", "prog1"), plan);
  auto usage = pool_->Execute({"STRLEN", "osteoflow:v1:{p1}:program:prog1:plan"});
  ASSERT_TRUE(usage.ok()) << usage.status();
  EXPECT_LT(usage->integer, static_cast<long long>(plan.size() / 3));
  const std::string week = "week 1 " + plan;
  ASSERT_EQ(*store_->Commit("p1", "prog1", "v1", Record("v2", plan + "2"), NewRecord{RecordKind::kWeek, "w1", week, 1},
                            nullptr),
            CommitResult::kCommitted);
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kWeek, 10, {}), ElementsAre(week));
  EXPECT_EQ(store_->GetRecord("p1", "prog1", RecordKind::kWeek, "w1")->value(), week);
  std::string stored;
  ASSERT_EQ(*store_->Commit("p1", "prog1", "stale", Record(""), NewRecord{RecordKind::kWeek, "w1", "again", 1},
                            &stored),
            CommitResult::kAlreadyStored);
  EXPECT_EQ(stored, week);
  StoredProgram again;
  ASSERT_FALSE(*store_->CreateProgram("p1", "prog1", 1000, Record("v9", "other"), &again));
  EXPECT_EQ(again.plan, plan + "2");
}

TEST_F(RedisProgramStoreTest, AStoreAskedForZlibWritesWhatEarlierVersionsReadAndReadsBoth) {
  const std::string plan = SomePlan();
  RedisProgramStore zlib_store(pool_, PackFormat::kZlib);
  ASSERT_TRUE(zlib_store.CreateProgram("p1", "prog1", 1000, Record("v1", plan), nullptr).ok());
  auto stored = pool_->Execute({"GET", "osteoflow:v1:{p1}:program:prog1:plan"});
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_FALSE(stored->text.empty());
  EXPECT_EQ(stored->text[0], '\0');
  // Either store reads what the other wrote.
  EXPECT_EQ(PlanOf(*store_, "p1", "prog1"), plan);
  ASSERT_TRUE(store_->CreateProgram("p1", "prog2", 1000, Record("v1", plan + "2"), nullptr).ok());
  EXPECT_EQ(PlanOf(zlib_store, "p1", "prog2"), plan + "2");
}

TEST_F(RedisProgramStoreTest, EightClientsRetryingTheirLogsStoreEachExactlyOnce) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, Record("rev-0", "plan"), nullptr).ok());
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
            const std::string& record = current->value().program;
            const int count = std::stoi(record.substr(4)) + 1;
            auto result = store_->Commit("p1", "prog1", record, Record(absl::StrCat("rev-", count)),
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
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 1000, {}), UnorderedElementsAreArray(expected));
  EXPECT_EQ(RecordOf(*store_, "p1", "prog1"), absl::StrCat("rev-", kClients * kLogsEach));
}

TEST_F(RedisProgramStoreTest, AcknowledgedChangesSurviveKillNineAndOutagesAreUnavailable) {
  ASSERT_TRUE(store_->CreateProgram("p1", "prog1", 1000, Record("v1", "plan 1"), nullptr).ok());
  ASSERT_EQ(*store_->Commit("p1", "prog1", "v1", Record("v2", "plan 2"), Session("s1", 1), nullptr),
            CommitResult::kCommitted);
  server_->Kill();
  EXPECT_EQ(store_->GetProgram("p1", "prog1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_->Commit("p1", "prog1", "v2", Record("v3", "plan 3"), Session("s2", 2), nullptr).status().code(),
            absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Restart().ok());
  // The same pool, no restart of ours: what was acknowledged is there, and
  // nothing of the failed change.
  absl::StatusOr<std::optional<StoredProgram>> got;
  for (int i = 0; i < 50; ++i) {
    got = store_->GetProgram("p1", "prog1");
    if (got.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->value().program, "v2");
  EXPECT_EQ(got->value().plan, "plan 2");
  EXPECT_THAT(*store_->Records("p1", "prog1", RecordKind::kSession, 100, {}), ElementsAre("log s1"));
}

TEST_F(RedisProgramStoreTest, ListsAPatientsProgrammesNewestFirstInPages) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store_->CreateProgram("p1", absl::StrCat("prog", i), 1000 + i, Record(absl::StrCat("v", i), "plan"), nullptr)
            .ok());
  }
  ASSERT_TRUE(store_->CreateProgram("p2", "other", 5000, Record("theirs"), nullptr).ok());
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
  EXPECT_EQ(store_->CreateProgram("p1}x", "prog1", 1, Record("v"), nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetProgram("p1", "a:b").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Commit("p1", "prog1", "", Record(""), NewRecord{RecordKind::kSession, "../x", "b", 1}, nullptr)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace osteoflow::progress

// The pool under a redis-cluster:// address against a real cluster of three
// primaries and three replicas on loopback: every call the services make
// goes to the node of its slot and none answers CROSSSLOT; slots resharded
// under a write load cost no call; a killed primary's replica takes over
// and calls resume on the same pool.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_script.h"
#include "common/redis/redis_settings.h"
#include "common/redis/redis_slot.h"
#include "services/progress/store/redis_event_feed.h"
#include "services/progress/store/redis_program_store.h"
#include "services/scheduling/cache/plan_cache.h"
#include "services/screening/store/redis_screening_store.h"
#include "tests/support/redis_cluster_set.h"
#include "tests/support/redis_write_load.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<RedisPool> ClusterPool(const std::string& address, absl::Duration command_timeout = absl::Seconds(2)) {
  absl::StatusOr<RedisPoolOptions> options =
      RedisPoolOptionsFor("store", {address, absl::Milliseconds(200), command_timeout, 16});
  EXPECT_TRUE(options.ok()) << options.status();
  return std::make_shared<RedisPool>(*options);
}

// Error replies each node has sent since it started, by their first word
// (INFO errorstats: errorstat_MOVED:count=12,...).
std::map<std::string, int64_t> ErrorReplies(testing::RedisClusterSet& cluster) {
  std::map<std::string, int64_t> counts;
  for (int i = 0; i < cluster.node_count(); ++i) {
    if (!cluster.node(i).running()) continue;
    auto info = cluster.node(i).Command({"INFO", "errorstats"});
    if (!info.ok()) continue;
    for (absl::string_view line : absl::StrSplit(info->text, "\r\n")) {
      if (!absl::ConsumePrefix(&line, "errorstat_")) continue;
      const size_t colon = line.find(':');
      const size_t equals = line.find('=');
      int64_t count = 0;
      if (colon == absl::string_view::npos || equals == absl::string_view::npos ||
          !absl::SimpleAtoi(line.substr(equals + 1), &count)) {
        continue;
      }
      counts[std::string(line.substr(0, colon))] += count;
    }
  }
  return counts;
}

std::string Describe(const std::map<std::string, int64_t>& counts) {
  std::string text;
  for (const auto& [kind, count] : counts) absl::StrAppend(&text, text.empty() ? "" : ", ", kind, " ", count);
  return text.empty() ? "none" : text;
}

TEST(RedisCluster, EveryServiceCallRoutesAndNoneAnswersCrossslot) {
  auto cluster = testing::RedisClusterSet::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::shared_ptr<RedisPool> pool = ClusterPool((*cluster)->address());
  ASSERT_TRUE(pool->Ping().ok());

  // Plain commands over many slots, so every primary serves some.
  for (int i = 0; i < 300; ++i) {
    const std::string key = absl::StrCat("osteoflow:v1:plan:", i);
    ASSERT_TRUE(pool->Execute({"SET", key, absl::StrCat(i)}).ok()) << key;
    auto value = pool->Execute({"GET", key});
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(value->text, absl::StrCat(i));
  }
  // Each primary got its share, none all.
  for (int i = 0; i < (*cluster)->node_count(); ++i) {
    if ((*cluster)->node(i).Info("role") != "master") continue;
    auto keys = (*cluster)->node(i).Command({"DBSIZE"});
    ASSERT_TRUE(keys.ok());
    EXPECT_GT(keys->integer, 50) << (*cluster)->node(i).address();
    EXPECT_LT(keys->integer, 200) << (*cluster)->node(i).address();
  }

  // The services' stores, for patients all over the slot space.
  screening::RedisScreeningStore screenings(pool);
  progress::RedisProgramStore programs(pool);
  for (int p = 0; p < 40; ++p) {
    const std::string patient = absl::StrCat("patient-", p);
    screening::v1::Screening screening;
    screening.set_name(absl::StrCat("patients/", patient, "/screenings/s1"));
    std::string stored;
    auto created = screenings.CreateOnce(patient, "s1", 1000 + p, screening.SerializeAsString(), &stored);
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_TRUE(*created);
    auto again = screenings.CreateOnce(patient, "s1", 1000 + p, "other bytes", &stored);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_FALSE(*again);
    EXPECT_EQ(stored, screening.SerializeAsString());
    auto got = screenings.Get(patient, "s1");
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->name(), screening.name());
    auto page = screenings.List(patient, 10, "");
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->screenings.size(), 1u);

    progress::StoredProgram program{"programme bytes", "plan bytes"};
    auto made = programs.CreateProgram(patient, "prog-1", 2000 + p, program, nullptr);
    ASSERT_TRUE(made.ok()) << made.status();
    auto read = programs.GetProgram(patient, "prog-1");
    ASSERT_TRUE(read.ok()) << read.status();
    ASSERT_TRUE(read->has_value());
    auto listed = programs.ListPrograms(patient, 10, "");
    ASSERT_TRUE(listed.ok()) << listed.status();
    EXPECT_EQ(listed->programs.size(), 1u);
    progress::NewRecord record{.kind = progress::RecordKind::kSession, .id = "log-1", .bytes = "a session", .order = 7};
    auto committed = programs.Commit(patient, "prog-1", program.program, {}, record, nullptr);
    ASSERT_TRUE(committed.ok()) << committed.status();
    EXPECT_EQ(*committed, progress::CommitResult::kCommitted);
    auto record_read = programs.GetRecord(patient, "prog-1", progress::RecordKind::kSession, "log-1");
    ASSERT_TRUE(record_read.ok()) << record_read.status();
    auto records = programs.Records(patient, "prog-1", progress::RecordKind::kSession, 10, {});
    ASSERT_TRUE(records.ok()) << records.status();
    EXPECT_EQ(records->size(), 1u);
  }
  ASSERT_TRUE(screenings.CheckWritable().ok());
  ASSERT_TRUE(programs.CheckWritable().ok());

  // The same writes acknowledged by each slot's replica (WAIT 1): the fence
  // key goes to the node of the call's slot.
  auto acknowledged_options = WithAcknowledgement("store", pool->options(), 1, absl::Milliseconds(500));
  ASSERT_TRUE(acknowledged_options.ok()) << acknowledged_options.status();
  auto acknowledged_pool = std::make_shared<RedisPool>(*acknowledged_options);
  screening::RedisScreeningStore acknowledged_screenings(acknowledged_pool);
  progress::RedisProgramStore acknowledged_programs(acknowledged_pool);
  for (int p = 0; p < 40; ++p) {
    const std::string patient = absl::StrCat("patient-", p);
    std::string stored;
    auto created = acknowledged_screenings.CreateOnce(patient, "s2", 3000 + p, "", &stored);
    ASSERT_TRUE(created.ok()) << created.status();
    progress::NewRecord record{.kind = progress::RecordKind::kSession, .id = "log-2", .bytes = "a session", .order = 8};
    auto committed = acknowledged_programs.Commit(patient, "prog-1", "programme bytes", {}, record, nullptr);
    ASSERT_TRUE(committed.ok()) << committed.status();
    EXPECT_EQ(*committed, progress::CommitResult::kCommitted);
  }
  ASSERT_TRUE(acknowledged_pool->Execute({"SET", "osteoflow:v1:readiness:acknowledged", "1"}).ok());
  // A keyless command that may write goes to slot 0's node, with its fence.
  auto keyless = acknowledged_pool->Execute({"SCRIPT", "FLUSH"});
  ASSERT_TRUE(keyless.ok()) << keyless.status();

  // The plan cache (fail-open, single keys) on the cluster.
  scheduling::PlanCache cache(pool, {.memory_bytes = 0});
  int computed = 0;
  for (int round = 0; round < 2; ++round) {
    auto plan = cache.GetOrCompute("osteoflow:v1:plan:cached", [&computed]() -> absl::StatusOr<std::string> {
      ++computed;
      return std::string("plan");
    });
    ASSERT_TRUE(plan.ok());
  }
  EXPECT_EQ(computed, 1);

  // Scripts by hand: writes, and read-only ones (EVALSHA_RO).
  const RedisScript write("redis.call('SET', KEYS[1], ARGV[1]) return redis.call('INCR', KEYS[2])");
  const RedisScript read("return redis.call('GET', KEYS[1])");
  auto wrote = write.Run(*pool, {"osteoflow:v1:{s}:a", "osteoflow:v1:{s}:n"}, {"x"});
  ASSERT_TRUE(wrote.ok()) << wrote.status();
  auto got = read.Run(*pool, {"osteoflow:v1:{s}:a"}, {});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->text, "x");

  const std::map<std::string, int64_t> errors = ErrorReplies(**cluster);
  std::printf("error replies the cluster sent: %s\n", Describe(errors).c_str());
  EXPECT_EQ(errors.count("CROSSSLOT"), 0u) << Describe(errors);

  // A request across slots is refused before it is sent.
  auto split = pool->ExecutePipeline({{"MULTI"}, {"SET", "{a}x", "1"}, {"SET", "{b}y", "1"}, {"EXEC"}});
  EXPECT_EQ(split.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(split.status().message()), HasSubstr("SET names a key in slot"));
  auto nothing = pool->Execute({"EXISTS", "{a}x"});
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing->integer, 0);
  EXPECT_EQ(ErrorReplies(**cluster).count("CROSSSLOT"), 0u);
  // The probe itself sees CROSSSLOT when a node does send one.
  auto direct = (*cluster)->node(0).Command({"MGET", "{a}x", "{b}y"});
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(ErrorReplies(**cluster)["CROSSSLOT"], 1) << direct->text;
}

TEST(RedisCluster, ReshardUnderWriteLoadFailsNoCallAndLosesNothing) {
  auto cluster = testing::RedisClusterSet::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::shared_ptr<RedisPool> pool = ClusterPool((*cluster)->address(), absl::Seconds(1));
  // The slots redis-cli moves first: the lowest of the source.
  constexpr int kMoved = 300;
  auto source = (*cluster)->PrimaryOfSlot(0);
  auto target = (*cluster)->PrimaryOfSlot(kRedisSlotCount - 1);
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_NE(*source, *target);
  auto source_id = (*cluster)->NodeId(*source);
  auto target_id = (*cluster)->NodeId(*target);
  ASSERT_TRUE(source_id.ok() && target_id.ok());

  // Every writer's patients live in the slots that move, each with a
  // programme its session logs go to.
  constexpr int kWriters = 8;
  constexpr int kPatientsEach = 8;
  const std::vector<std::string> patients = testing::PatientsInSlots(0, kMoved - 1, kWriters * kPatientsEach, "moving");
  screening::RedisScreeningStore screenings(pool);
  progress::RedisProgramStore programs(pool);
  const progress::StoredProgram program{"programme bytes", ""};
  for (const std::string& patient : patients) {
    ASSERT_TRUE(programs.CreateProgram(patient, "prog-1", 1, program, nullptr).ok());
  }
  auto patient_of = [&patients](int thread, int64_t n) -> const std::string& {
    return patients[static_cast<size_t>(thread * kPatientsEach + n / 2 % kPatientsEach)];
  };
  // Even n: a screening (MULTI/EXEC); odd n: a session log (EVALSHA).
  testing::RedisWriteLoad load(kWriters, [&](int thread, int64_t n) -> absl::Status {
    const std::string id = absl::StrCat("w", thread, "-", n);
    if (n % 2 == 0) {
      std::string stored;
      return screenings.CreateOnce(patient_of(thread, n), id, n, "screening", &stored).status();
    }
    progress::NewRecord record{.kind = progress::RecordKind::kSession, .id = id, .bytes = "a session", .order = n};
    auto committed = programs.Commit(patient_of(thread, n), "prog-1", program.program, {}, record, nullptr);
    if (!committed.ok()) return committed.status();
    return *committed == progress::CommitResult::kCommitted ? absl::OkStatus()
                                                            : absl::InternalError("commit not committed");
  });
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time started = absl::Now();
  auto resharded = (*cluster)->Cli({"--cluster", "reshard", (*cluster)->node(0).address(), "--cluster-from",
                                    *source_id, "--cluster-to", *target_id, "--cluster-slots",
                                    absl::StrCat(kMoved), "--cluster-yes", "--cluster-pipeline", "100"},
                                   absl::Seconds(90));
  const absl::Duration took = absl::Now() - started;
  absl::SleepFor(absl::Milliseconds(300));
  load.Stop();
  ASSERT_TRUE(resharded.ok()) << resharded.status();
  ASSERT_EQ(resharded->exit_code, 0) << resharded->output;
  auto moved = (*cluster)->PrimaryOfSlot(0);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, *target);

  const auto acknowledged = load.acknowledged();
  const auto failures = load.failures();
  for (const auto& failure : failures) ADD_FAILURE() << "write " << failure.n << ": " << failure.status;
  EXPECT_GT(acknowledged.size(), 200u);
  // Every acknowledged write is readable, through the pool, after the move.
  int unreadable = 0;
  for (const auto& done : acknowledged) {
    const std::string id = absl::StrCat("w", done.thread, "-", done.n);
    const std::string& patient = patient_of(done.thread, done.n);
    if (done.n % 2 == 0) {
      auto read = pool->Execute({"EXISTS", absl::StrCat("osteoflow:v1:{", patient, "}:screening:", id)});
      if (!read.ok() || read->integer != 1) ++unreadable;
    } else {
      auto read = programs.GetRecord(patient, "prog-1", progress::RecordKind::kSession, id);
      if (!read.ok() || !read->has_value()) ++unreadable;
    }
  }
  EXPECT_EQ(unreadable, 0);
  const std::map<std::string, int64_t> errors = ErrorReplies(**cluster);
  std::printf("reshard of %d slots under %d writers took %s: %zu writes acknowledged, %zu failed, %d unreadable "
              "after; redirects followed (the nodes' error replies): %s\n",
              kMoved, kWriters, absl::FormatDuration(took).c_str(), acknowledged.size(), failures.size(), unreadable,
              Describe(errors).c_str());
  EXPECT_GT(errors.count("MOVED") + errors.count("ASK"), 0u) << "the load never met the move";
  EXPECT_EQ(errors.count("CROSSSLOT"), 0u);
}

// The outbox and relay of the event feed on a cluster. A writer that dies
// between its change and the relay leaves its events in the patient's
// outbox and its mark in the partition: the sweep relays them, once, and a
// later change's relay keeps the patient's order.
TEST(RedisCluster, EventsAWriterLeftInTheOutboxAreRelayedOnceInOrder) {
  auto cluster = testing::RedisClusterSet::Start({.replicas_each = 0});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::shared_ptr<RedisPool> pool = ClusterPool((*cluster)->address());
  progress::EventFeedSettings settings;
  settings.relay_after = absl::ZeroDuration();
  auto feed = std::make_shared<progress::RedisEventFeed>(pool, settings);
  ASSERT_TRUE(feed->relayed());
  progress::RedisProgramStore programs(pool, progress::PackFormat::kZstd, feed);
  const std::string patient = "outbox-patient";
  progress::StoredProgram program{"programme bytes", ""};
  program.events = {{"org.osteoflow.progress.program.enrolled.v1", "enrolled"}};
  ASSERT_TRUE(programs.CreateProgram(patient, "prog-1", 1, program, nullptr).ok());

  // A writer that dies after its change: the mark, then the events in the
  // outbox as the change's script writes them, and no relay.
  absl::StatusOr<std::string> mark = feed->MarkPending(patient);
  ASSERT_TRUE(mark.ok()) << mark.status();
  ASSERT_TRUE(pool->Execute({"XADD", progress::RedisEventFeed::OutboxKey(patient), "*", "p", patient, "t",
                             "org.osteoflow.progress.fall.reported.v1", "e", "fall"})
                  .ok());
  progress::EventFeed::Filter filter;
  filter.patient_id = patient;
  auto page = feed->Read("", "cursor", filter, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries.size(), 1u) << "only the enrolment is on the feed yet";

  // The sweep relays what the dead writer left; twice changes nothing.
  ASSERT_EQ(*feed->RelayStale(), 1);
  ASSERT_EQ(*feed->RelayStale(), 0);
  // A later change relays its own event after them.
  progress::StoredProgram change;
  change.events = {{"org.osteoflow.progress.program.paused.v1", "paused"}};
  ASSERT_EQ(*programs.Commit(patient, "prog-1", "programme bytes", change, std::nullopt, nullptr),
            progress::CommitResult::kCommitted);
  page = feed->Read("", "cursor", filter, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  std::vector<std::string> events;
  for (const progress::EventFeed::Entry& entry : page->entries) events.push_back(entry.event);
  EXPECT_THAT(events, ::testing::ElementsAre("enrolled", "fall", "paused"));
  absl::StatusOr<RedisReply> outbox = pool->Execute({"XLEN", progress::RedisEventFeed::OutboxKey(patient)});
  ASSERT_TRUE(outbox.ok());
  EXPECT_EQ(outbox->integer, 0) << "relayed entries leave the outbox";
}

// A slot caught halfway through a move, by hand: the session index already
// on the target, the sessions still on the source. A records read (a script
// that reads keys it does not declare) waits for the move to end instead of
// running on the target, which would answer nil for every session.
TEST(RedisCluster, AScriptNeverReadsAHalfMovedSlot) {
  auto cluster = testing::RedisClusterSet::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::shared_ptr<RedisPool> pool = ClusterPool((*cluster)->address(), absl::Seconds(3));
  progress::RedisProgramStore programs(pool);
  const std::string patient = "half-moved";
  const int slot = RedisKeySlot(patient);
  const progress::StoredProgram program{"programme bytes", ""};
  ASSERT_TRUE(programs.CreateProgram(patient, "prog-1", 1, program, nullptr).ok());
  for (int i = 0; i < 3; ++i) {
    progress::NewRecord record{
        .kind = progress::RecordKind::kSession, .id = absl::StrCat("log-", i), .bytes = absl::StrCat("session ", i),
        .order = i};
    auto committed = programs.Commit(patient, "prog-1", program.program, {}, record, nullptr);
    ASSERT_TRUE(committed.ok()) << committed.status();
  }
  auto source = (*cluster)->PrimaryOfSlot(slot);
  auto target = (*cluster)->PrimaryOfSlot((slot + kRedisSlotCount / 2) % kRedisSlotCount);
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_NE(*source, *target);
  auto source_id = (*cluster)->NodeId(*source);
  auto target_id = (*cluster)->NodeId(*target);
  ASSERT_TRUE(source_id.ok() && target_id.ok());
  testing::RedisProcess& from = *(*cluster)->NodeOnPort(*source);
  testing::RedisProcess& to = *(*cluster)->NodeOnPort(*target);
  auto command = [](testing::RedisProcess& node, const std::vector<std::string>& words) {
    auto reply = node.Command(words);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (reply.ok()) {
      EXPECT_NE(reply->type, RedisReply::Type::kError) << words[0] << ": " << reply->text;
    }
    return reply.ok() ? *std::move(reply) : RedisReply();
  };
  auto migrate = [&](const std::vector<std::string>& keys) {
    std::vector<std::string> words = {"MIGRATE", "127.0.0.1", absl::StrCat(*target), "", "0", "5000", "KEYS"};
    words.insert(words.end(), keys.begin(), keys.end());
    command(from, words);
  };
  command(to, {"CLUSTER", "SETSLOT", absl::StrCat(slot), "IMPORTING", *source_id});
  command(from, {"CLUSTER", "SETSLOT", absl::StrCat(slot), "MIGRATING", *target_id});
  migrate({absl::StrCat("osteoflow:v1:{", patient, "}:program:prog-1:sessions")});

  constexpr absl::Duration kHalfMoved = absl::Milliseconds(500);
  std::thread finish([&] {
    absl::SleepFor(kHalfMoved);
    RedisReply keys = command(from, {"CLUSTER", "GETKEYSINSLOT", absl::StrCat(slot), "1000"});
    std::vector<std::string> rest;
    for (const RedisReply& key : keys.elements) rest.push_back(key.text);
    if (!rest.empty()) migrate(rest);
    command(to, {"CLUSTER", "SETSLOT", absl::StrCat(slot), "NODE", *target_id});
    command(from, {"CLUSTER", "SETSLOT", absl::StrCat(slot), "NODE", *target_id});
  });
  const absl::Time asked = absl::Now();
  auto records = programs.Records(patient, "prog-1", progress::RecordKind::kSession, 10, {});
  const absl::Duration took = absl::Now() - asked;
  finish.join();
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(*records, ::testing::ElementsAre("session 0", "session 1", "session 2"));
  EXPECT_GE(took, kHalfMoved - absl::Milliseconds(50)) << "it cannot have been answered before the move ended";
  std::printf("a records read on a half-moved slot waited %s for the move to end\n",
              absl::FormatDuration(took).c_str());
}

TEST(RedisCluster, ReplicaTakesOverAKilledPrimaryAndCallsResume) {
  auto cluster = testing::RedisClusterSet::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::shared_ptr<RedisPool> pool = ClusterPool((*cluster)->address(), absl::Milliseconds(500));
  auto victim = (*cluster)->PrimaryOfSlot(0);
  ASSERT_TRUE(victim.ok());
  // Keys everywhere: a third of them on the node that dies.
  testing::RedisWriteLoad load(8, [&pool](int thread, int64_t n) -> absl::Status {
    return pool->Execute({"SET", absl::StrCat("osteoflow:v1:{k-", thread, "-", n, "}:v"), "1"}).status();
  });
  absl::SleepFor(absl::Milliseconds(500));
  const absl::Time killed = absl::Now();
  (*cluster)->NodeOnPort(*victim)->Kill();
  ASSERT_TRUE((*cluster)->WaitUntilHealthy(absl::Seconds(30)).ok());
  const absl::Time healthy = absl::Now();
  ASSERT_TRUE(load.WaitForEveryWriterAfter(absl::Now(), absl::Seconds(20)).ok());
  // Calls resume on every slot, the dead node's included.
  const std::vector<std::string> patients = testing::PatientsInSlots(0, 50, 20, "after");
  absl::Time resumed = absl::InfiniteFuture();
  ASSERT_TRUE(testing::WaitFor("writes to the dead node's slots", absl::Seconds(10), [&]() -> absl::Status {
                for (const std::string& patient : patients) {
                  absl::Status done = pool->Execute({"SET", absl::StrCat("osteoflow:v1:{", patient, "}:v"), "1"}).status();
                  if (!done.ok()) return done;
                }
                resumed = absl::Now();
                return absl::OkStatus();
              }).ok());
  absl::SleepFor(absl::Milliseconds(300));
  load.Stop();
  auto now_serving = (*cluster)->PrimaryOfSlot(0);
  ASSERT_TRUE(now_serving.ok());
  EXPECT_NE(*now_serving, *victim);

  size_t failed_after_resume = 0;
  for (const auto& failure : load.failures()) {
    EXPECT_EQ(failure.status.code(), absl::StatusCode::kUnavailable) << failure.status;
    EXPECT_GE(failure.at, killed) << failure.status;
    if (failure.at > resumed) ++failed_after_resume;
  }
  EXPECT_EQ(failed_after_resume, 0u);
  // What the promoted replica has of the writes acknowledged before.
  int missing = 0;
  size_t on_victim = 0;
  for (const auto& done : load.acknowledged()) {
    const std::string key = absl::StrCat("osteoflow:v1:{k-", done.thread, "-", done.n, "}:v");
    if (RedisKeySlot(key) > 5460) continue;  // the dead primary's slots only (0-5460 at creation)
    ++on_victim;
    auto exists = pool->Execute({"EXISTS", key});
    if (!exists.ok() || exists->integer != 1) ++missing;
  }
  std::printf("cluster primary kill -9: %zu writes acknowledged (%zu on the dead primary's slots), %zu failed (all "
              "UNAVAILABLE), %d acknowledged missing; cluster ok again %s after the kill, every slot written %s "
              "after\n",
              load.acknowledged().size(), on_victim, load.failures().size(), missing,
              absl::FormatDuration(healthy - killed).c_str(), absl::FormatDuration(resumed - killed).c_str());
}

}  // namespace
}  // namespace osteoflow

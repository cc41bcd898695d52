// Scheduling's catalog client against the real catalog binary.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include <fstream>
#include <string>

#include <google/protobuf/util/json_util.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "services/scheduling/peers/catalog_client.h"
#include "tests/support/catalog_server.h"
#include "tests/support/service_process.h"
#include "tests/support/test_catalog.h"

namespace osteoflow::scheduling {
namespace {

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

TEST(CatalogClient, HoldsTheServicesCatalogWithTheSameDigest) {
  auto server = testing::StartCatalogServer();
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo((*server)->address());
  CatalogClient client(channel, {.deadline = absl::Seconds(5), .refresh_interval = absl::Hours(1)});

  auto held = client.Current();
  ASSERT_TRUE(held.ok()) << held.status();
  catalog::v1::CatalogInfo info;
  grpc::ClientContext context;
  ASSERT_TRUE(catalog::v1::CatalogService::NewStub(channel)->GetCatalogInfo(&context, {}, &info).ok());
  EXPECT_EQ((*held)->content_digest(), info.content_digest());
  EXPECT_EQ((*held)->size(), info.exercise_count());
  // What restriction matching needs came along: tag definitions and rules.
  EXPECT_NE((*held)->TagDefinition(common::v1::SAFETY_TAG_AVOID_FLEXION), nullptr);
  EXPECT_NE((*held)->Rule("NWB"), nullptr);
  EXPECT_NE((*held)->Find("sit-up"), nullptr);

  // Within the refresh interval: the same catalog, from memory.
  auto again = client.Current();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), held->get());
}

TEST(CatalogClient, UnreachableWithNothingHeldIsUnavailable) {
  CatalogClient client(ChannelTo("127.0.0.1:" + std::to_string(testing::PickFreePort())),
                       {.deadline = absl::Milliseconds(300)});
  const absl::Time started = absl::Now();
  auto held = client.Current();
  EXPECT_EQ(held.status().code(), absl::StatusCode::kUnavailable) << held.status();
  EXPECT_THAT(std::string(held.status().message()), ::testing::HasSubstr("catalog service"));
  EXPECT_LT(absl::Now() - started, absl::Seconds(3));
}

// A loopback listener that never speaks: calls to it wait for their deadline.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(fd_, 64);
    socklen_t length = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { close(fd_); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Callers that find a fetch under way share its answer instead of each
// waiting out a deadline of their own in turn.
TEST(CatalogClient, CallersWaitingForAFailingFetchShareItsAnswer) {
  SilentListener silent;
  CatalogClient client(ChannelTo(silent.address()), {.deadline = absl::Milliseconds(300)});
  const absl::Time started = absl::Now();
  std::vector<std::thread> callers;
  std::atomic<int> unavailable{0};
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&] {
      if (client.Current().status().code() == absl::StatusCode::kUnavailable) ++unavailable;
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(unavailable.load(), 8);
  // One or two rounds of the deadline, not eight.
  EXPECT_LT(absl::Now() - started, absl::Milliseconds(1500));
}

TEST(CatalogClient, KeepsWhatItHoldsThroughAnOutageAndTakesANewCatalogWhenItChanges) {
  const int port = testing::PickFreePort();
  const std::string listen = "--listen_address=127.0.0.1:" + std::to_string(port);
  auto server = testing::StartCatalogServer({listen});
  ASSERT_TRUE(server.ok()) << server.status();
  CatalogClient client(ChannelTo((*server)->address()),
                       {.deadline = absl::Milliseconds(500),
                        .refresh_interval = absl::Milliseconds(100)});
  auto shipped = client.Current();
  ASSERT_TRUE(shipped.ok()) << shipped.status();

  (*server)->Signal(SIGTERM);
  ASSERT_TRUE((*server)->WaitForExit(absl::Seconds(15)).ok());
  absl::SleepFor(absl::Milliseconds(150));
  auto during = client.Current();
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(during->get(), shipped->get());

  // The catalog comes back on the same address with other content.
  const std::string small_file = testing::NewTempPath("small-catalog") + ".json";
  std::string json;
  ASSERT_TRUE(
      google::protobuf::util::MessageToJsonString(testing::SmallCatalogDocument(), &json).ok());
  std::ofstream(small_file) << json;
  auto restarted = testing::StartCatalogServer({listen, "--catalog_file=" + small_file});
  ASSERT_TRUE(restarted.ok()) << restarted.status();

  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  std::shared_ptr<const catalog::ExerciseCatalog> now = *during;
  while (now == *during && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
    auto current = client.Current();
    ASSERT_TRUE(current.ok()) << current.status();
    now = *current;
  }
  EXPECT_NE(now->content_digest(), (*shipped)->content_digest());
  EXPECT_EQ(now->size(), testing::SmallCatalogDocument().exercises_size());
}

}  // namespace
}  // namespace osteoflow::scheduling

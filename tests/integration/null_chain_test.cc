// The null chain's nodes (a benchmark baseline) as real processes: a call
// runs its branches, each hop in order, writes to the store and answers with
// the size asked; a failure anywhere reaches the caller; traffic stays on the
// loopback address.
#include <grpcpp/grpcpp.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/redis/redis_pool.h"
#include "osteoflow/bench/v1/null_chain.grpc.pb.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_process.h"

namespace osteoflow {
namespace {

namespace v1 = osteoflow::bench::v1;
using ::testing::HasSubstr;

class NullChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start({.durable = true});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    for (auto* node : {&first_, &second_, &third_}) {
      testing::ServiceProcess::Options options;
      options.args = {"--listen_address=127.0.0.1:0", absl::StrCat("--store_address=127.0.0.1:", redis_->port())};
      auto started = testing::ServiceProcess::Start(testing::BinaryPath("bench/osteoflow-null-node"), options);
      ASSERT_TRUE(started.ok()) << started.status();
      *node = *std::move(started);
    }
  }

  grpc::Status Call(const v1::NullCall& request, v1::NullReply* reply) {
    auto stub = v1::NullChain::NewStub(grpc::CreateChannel(first_->address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub->Call(&context, request, reply);
  }

  int64_t StoredKeys() {
    RedisPoolOptions options;
    options.port = redis_->port();
    RedisPool pool(options);
    auto keys = pool.Execute({"DBSIZE"});
    return keys.ok() ? keys->integer : -1;
  }

  v1::NullHop HopTo(const testing::ServiceProcess& node, uint32_t reply_bytes, uint32_t store_bytes) {
    v1::NullHop hop;
    hop.set_target(node.address());
    hop.set_padding_bytes(100);
    hop.mutable_call()->set_reply_bytes(reply_bytes);
    hop.mutable_call()->set_store_bytes(store_bytes);
    return hop;
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::ServiceProcess> first_, second_, third_;
};

// An enrolment's shape: one branch stores on the second node, the other
// calls the second node and then the third; the first node stores last.
TEST_F(NullChainTest, RunsEveryBranchAndHopThenStoresAndAnswersWithTheSizeAsked) {
  v1::NullCall request;
  request.set_reply_bytes(23000);
  request.set_store_bytes(4000);
  *request.add_branches()->add_hops() = HopTo(*second_, 4000, 3000);
  v1::NullBranch* sequence = request.add_branches();
  *sequence->add_hops() = HopTo(*second_, 4000, 0);
  *sequence->add_hops() = HopTo(*third_, 17000, 0);
  for (int call = 0; call < 3; ++call) {
    v1::NullReply reply;
    grpc::Status status = Call(request, &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(reply.payload().size(), 23000u);
  }
  EXPECT_EQ(StoredKeys(), 6);  // two fsynced writes a call
}

TEST_F(NullChainTest, AFailedHopFailsTheCallAndStoresNothingMore) {
  v1::NullCall request;
  request.set_reply_bytes(10);
  request.set_store_bytes(10);
  v1::NullHop* unreachable = request.add_branches()->add_hops();
  unreachable->set_target(absl::StrCat("127.0.0.1:", testing::PickFreePort()));  // nothing listens there
  v1::NullReply reply;
  grpc::Status status = Call(request, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(StoredKeys(), 0);
}

TEST_F(NullChainTest, TargetsOffTheLoopbackAddressAreRefusedWithoutACall) {
  v1::NullCall request;
  request.add_branches()->add_hops()->set_target("192.0.2.1:443");
  v1::NullReply reply;
  grpc::Status status = Call(request, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("only 127.0.0.1 or localhost"));
}

}  // namespace
}  // namespace osteoflow

#include "common/clock/test_clock_service.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "common/config/settings.h"
#include "common/log/json_log.h"
#include "common/server/call_access.h"
#include "common/server/peer_channel.h"
#include "common/server/unary_table.h"
#include "common/status/peer_status.h"
#include "osteoflow/testing/v1/test_clock.grpc.pb.h"

ABSL_FLAG(bool, test_clock, false,
          "integration tests and harnesses only: serve osteoflow.testing.v1.TestClockService, whose operator "
          "may move this service's clock (and its peers') forward; refused beside production settings");

namespace osteoflow {
namespace {

namespace v1 = osteoflow::testing::v1;

// A peer's TestClockService, called on the caller's behalf (its operator
// token goes with the call, so the peer decides as it would for the caller).
class GrpcClockPeer : public ClockPeer {
 public:
  GrpcClockPeer(std::string name, std::shared_ptr<grpc::Channel> channel)
      : name_(std::move(name)), stub_(v1::TestClockService::NewStub(std::move(channel))) {}

  absl::StatusOr<v1::SuiteTime> MoveTo(absl::Time time) override {
    grpc::ClientContext context;
    PreparePeerCall(context, absl::Seconds(5));
    v1::SetClockRequest request;
    *request.mutable_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
    v1::SuiteTime answer;
    const grpc::Status status = stub_->SetClock(&context, request, &answer);
    if (!status.ok()) return PeerStatus(name_, status);
    return answer;
  }

 private:
  const std::string name_;
  const std::unique_ptr<v1::TestClockService::Stub> stub_;
};

// Why a movable clock may not run beside these settings; empty when it may.
std::string ProductionSetting(const ServerSettings& settings, const RedisPoolOptions* store) {
  if (!settings.reflection) return "reflection is off, as production runs";
  if (store != nullptr && store->acknowledgement.replicas > 0) return "the store waits for replicas, as production does";
  if (store != nullptr && store->topology != RedisAddress::Kind::kSingle) {
    return "the store is a Sentinel set or a Cluster, as production's is";
  }
  return "";
}

}  // namespace

SuiteClock& ProcessClock() {
  static SuiteClock* const clock = new SuiteClock();
  return *clock;
}

std::unique_ptr<TestClockServing> TestClockServing::FromFlags(const std::string& service,
                                                              const ServerSettings& settings,
                                                              const std::vector<ClockPeerAddress>& peers,
                                                              const RedisPoolOptions* store) {
  if (!absl::GetFlag(FLAGS_test_clock)) return nullptr;
  if (const std::string production = ProductionSetting(settings, store); !production.empty()) {
    ExitInvalidSetting("test_clock", absl::StrCat("refused: ", production));
  }
  std::vector<std::unique_ptr<ClockPeer>> clock_peers;
  for (const ClockPeerAddress& peer : peers) {
    clock_peers.push_back(std::make_unique<GrpcClockPeer>(
        peer.name, PeerChannel(peer.address, settings.security, v1::TestClockService::service_full_name(), false)));
  }
  std::unique_ptr<TestClockServing> serving(new TestClockServing());
  serving->work_ = std::make_unique<BlockingWork>(absl::StrCat(service, "-clock"), 2);
  serving->service_ =
      UnaryTable<TestClock>(v1::TestClockService::service_full_name(),
                            std::make_shared<TestClock>(service, ProcessClock(), std::move(clock_peers)),
                            serving->work_.get())
          .Row<v1::GetClockRequest, v1::SuiteTime, Answering::kOnCallbackThread>(&TestClock::GetClock)
          .Row<v1::AdvanceClockRequest, v1::SuiteTime, Answering::kOnWorkPool>(&TestClock::AdvanceClock)
          .Row<v1::SetClockRequest, v1::SuiteTime, Answering::kOnWorkPool>(&TestClock::SetClock)
          .Build();
  LogLine("test_clock_served").Add("service", service).Write();
  return serving;
}

}  // namespace osteoflow

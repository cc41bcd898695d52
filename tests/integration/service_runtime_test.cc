// The shared runtime seen from outside, on the real catalog binary: health,
// reflection, draining on SIGTERM, settings, and bad requests.
#include <signal.h>

#include <future>
#include <string>

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "reflection_probe.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/raw_call.h"
#include "tests/support/test_catalog.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kCatalogService[] = "osteoflow.catalog.v1.CatalogService";

std::shared_ptr<grpc::Channel> ChannelTo(const testing::ServiceProcess& server) {
  return grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 5) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

grpc::Status Health(grpc::health::v1::Health::Stub& stub, const std::string& service,
                    HealthCheckResponse* response) {
  HealthCheckRequest request;
  request.set_service(service);
  return stub.Check(Context().get(), request, response);
}


TEST(ServiceRuntime, HealthAnswersLivenessAndReadiness) {
  auto server = testing::StartCatalogServer();
  ASSERT_TRUE(server.ok()) << server.status();
  auto health = grpc::health::v1::Health::NewStub(ChannelTo(**server));
  HealthCheckResponse response;
  ASSERT_TRUE(Health(*health, "", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(Health(*health, kCatalogService, &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(*health, "osteoflow.nothing.v1.NoService", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

std::vector<std::string> ReflectedServices(const std::shared_ptr<grpc::Channel>& channel,
                                           grpc::Status* status) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  auto context = Context();
  auto stream = stub->ServerReflectionInfo(context.get());
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("*");
  stream->Write(request);
  stream->WritesDone();
  std::vector<std::string> names;
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  while (stream->Read(&response)) {
    for (const auto& service : response.list_services_response().service()) {
      names.push_back(service.name());
    }
  }
  *status = stream->Finish();
  return names;
}

TEST(ServiceRuntime, ReflectionListsTheServiceAndCanBeSwitchedOff) {
  auto server = testing::StartCatalogServer();
  ASSERT_TRUE(server.ok()) << server.status();
  grpc::Status status;
  EXPECT_THAT(ReflectedServices(ChannelTo(**server), &status), ::testing::Contains(kCatalogService));
  EXPECT_TRUE(status.ok()) << status.error_message();

  auto without = testing::StartCatalogServer({}, {{"OSTEOFLOW_REFLECTION", "false"}});
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_TRUE(ReflectedServices(ChannelTo(**without), &status).empty());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(ServiceRuntime, SigtermLetsAnInFlightCallFinishThenExitsZero) {
  auto server = testing::StartCatalogServer({"--test_response_delay=1500ms", "--drain_timeout=10s"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo(**server);
  auto catalog = osteoflow::catalog::v1::CatalogService::NewStub(channel);
  auto health = grpc::health::v1::Health::NewStub(channel);

  // A readiness watch sees the service go NOT_SERVING when draining starts.
  grpc::ClientContext watch_context;
  HealthCheckRequest watch_request;
  watch_request.set_service(kCatalogService);
  auto watch = health->Watch(&watch_context, watch_request);
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  ASSERT_EQ(update.status(), HealthCheckResponse::SERVING);

  auto in_flight = std::async(std::launch::async, [&] {
    osteoflow::catalog::v1::CatalogInfo info;
    auto context = Context(20);
    return catalog->GetCatalogInfo(context.get(), {}, &info);
  });
  absl::SleepFor(absl::Milliseconds(500));  // the call is now held by the server
  const absl::Time signalled = absl::Now();
  (*server)->Signal(SIGTERM);

  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  watch_context.TryCancel();

  const grpc::Status finished = in_flight.get();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  auto code = (*server)->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status() << (*server)->Log();
  EXPECT_EQ(*code, 0);
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(9)) << "drain should not wait for the deadline";
  EXPECT_THAT((*server)->Log(), HasSubstr("\"drained_within_deadline\":true"));
}

// A call that outlives the drain deadline is cut off there: the process is
// gone soon after the deadline, not when the call would have finished.
TEST(ServiceRuntime, TheDrainDeadlineHoldsWhenACallOutlivesIt) {
  auto server = testing::StartCatalogServer({"--drain_timeout=1s", "--test_response_delay=8s"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto catalog = osteoflow::catalog::v1::CatalogService::NewStub(ChannelTo(**server));
  auto in_flight = std::async(std::launch::async, [&] {
    osteoflow::catalog::v1::CatalogInfo info;
    auto context = Context(20);
    return catalog->GetCatalogInfo(context.get(), {}, &info);
  });
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time signalled = absl::Now();
  (*server)->Signal(SIGTERM);
  auto code = (*server)->WaitForExit(absl::Seconds(15));
  const absl::Duration took = absl::Now() - signalled;
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_LT(took, absl::Milliseconds(1800)) << "the deadline was 1s";
  EXPECT_FALSE(in_flight.get().ok());
  EXPECT_THAT((*server)->Log(), HasSubstr("\"drained_within_deadline\":false"));
}

TEST(ServiceRuntime, AnOpenHealthWatchDoesNotHoldTheDrain) {
  auto server = testing::StartCatalogServer({"--drain_timeout=10s"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto health = grpc::health::v1::Health::NewStub(ChannelTo(**server));
  grpc::ClientContext watch_context;
  auto watch = health->Watch(&watch_context, HealthCheckRequest());
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  const absl::Time signalled = absl::Now();
  (*server)->Signal(SIGTERM);
  auto code = (*server)->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(5));
  while (watch->Read(&update)) {
  }
  EXPECT_FALSE(watch->Finish().ok());
}

TEST(ServiceRuntime, SigintAlsoDrainsAndExitsZero) {
  auto server = testing::StartCatalogServer();
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->Signal(SIGINT);
  auto code = (*server)->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

struct BadSetting {
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string named;
};

TEST(ServiceRuntime, InvalidSettingsExitTwoNamingTheSetting) {
  const std::string catalog_file = "--catalog_file=" + testing::ShippedCatalogPath();
  const std::vector<BadSetting> cases = {
      {{"--drain_timeout=-1s"}, {}, "drain_timeout"},
      {{"--drain_timeout=soon"}, {}, "drain_timeout"},
      {{}, {{"OSTEOFLOW_LISTEN_ADDRESS", "no-port-here"}}, "listen_address"},
      {{}, {{"OSTEOFLOW_MAX_RECEIVE_BYTES", "lots"}}, "OSTEOFLOW_MAX_RECEIVE_BYTES"},
      {{"--max_receive_bytes=12"}, {}, "max_receive_bytes"},
      {{"--frobnicate=1"}, {}, "--frobnicate"},
      {{"--reflection=maybe"}, {}, "--reflection"},
      {{"--keepalive_time=500us"}, {}, "keepalive_time"},
      {{"--drain_timeout=inf"}, {}, "drain_timeout"},
      {{}, {{"OSTEOFLOW_LISTEN_ADDRESS", "127.0.0.1:+80"}}, "listen_address"},
  };
  for (const BadSetting& bad : cases) {
    std::vector<std::string> args = {catalog_file};
    args.insert(args.end(), bad.args.begin(), bad.args.end());
    // Should a bad case start after all, it must not take a real port.
    std::vector<std::pair<std::string, std::string>> env = {{"OSTEOFLOW_LISTEN_ADDRESS", "127.0.0.1:0"}};
    env.insert(env.end(), bad.env.begin(), bad.env.end());
    auto result = testing::RunToExit(testing::BinaryPath("services/catalog/osteoflow-catalog"), args,
                                     env, absl::Seconds(10));
    ASSERT_TRUE(result.ok()) << bad.named << ": " << result.status();
    EXPECT_EQ(result->exit_code, 2) << bad.named << ": " << result->output;
    EXPECT_THAT(result->output, HasSubstr("invalid setting")) << bad.named;
    EXPECT_THAT(result->output, HasSubstr(bad.named));
  }
}

TEST(ServiceRuntime, InvalidCatalogFileRefusesToStart) {
  auto result = testing::RunToExit(testing::BinaryPath("services/catalog/osteoflow-catalog"),
                                   {"--catalog_file=/nonexistent/catalog.json",
                                    "--listen_address=127.0.0.1:0"},
                                   {}, absl::Seconds(10));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_THAT(result->output, HasSubstr("refusing to start"));
}

TEST(ServiceRuntime, MalformedAndOversizedRequestsGetClearErrorsAndServingGoesOn) {
  auto server = testing::StartCatalogServer({"--max_receive_bytes=4096"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo(**server);
  const std::string method = "/osteoflow.catalog.v1.CatalogService/GetExercise";

  for (const char* name : {"GetExercise", "ListExercises", "GetCatalogInfo", "EvaluateActivity",
                           "GetCatalogDocument"}) {
    const grpc::Status malformed =
        testing::SendRawBytes(channel, std::string("/osteoflow.catalog.v1.CatalogService/") + name,
                     std::string("\xff\xff\xff\xff\x0f", 5));
    EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(malformed.error_message(), HasSubstr("request: not a valid")) << name;
  }

  osteoflow::catalog::v1::GetExerciseRequest huge;
  huge.set_name(std::string(10000, 'x'));
  const grpc::Status oversized = testing::SendRawBytes(channel, method, huge.SerializeAsString());
  EXPECT_EQ(oversized.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << oversized.error_message();

  auto catalog = osteoflow::catalog::v1::CatalogService::NewStub(channel);
  osteoflow::catalog::v1::CatalogInfo info;
  EXPECT_TRUE(catalog->GetCatalogInfo(Context().get(), {}, &info).ok());
  EXPECT_GE(info.exercise_count(), 80);
}

TEST(ServiceRuntime, UnknownMethodIsUnimplemented) {
  auto server = testing::StartCatalogServer();
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(testing::SendRawBytes(ChannelTo(**server), "/osteoflow.catalog.v1.CatalogService/Delete", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

// A caller's path reaches the access log only when it is made of gRPC's own
// alphabet: a path cannot split a log line or forge a field.
TEST(ServiceRuntime, AHostileMethodPathCannotForgeAccessLines) {
  auto server = testing::StartCatalogServer();
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(testing::SendRawBytes(ChannelTo(**server), "/evil},{\"forged\":1/x", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  (*server)->Signal(SIGTERM);
  ASSERT_TRUE((*server)->WaitForExit(absl::Seconds(15)).ok());
  const std::string log = (*server)->Log();
  EXPECT_THAT(log, HasSubstr("\"method\":\"(unrecognised)\""));
  EXPECT_THAT(log, Not(HasSubstr("forged")));
}

}  // namespace
}  // namespace osteoflow

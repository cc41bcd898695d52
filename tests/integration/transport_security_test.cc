// Transport security on the real binaries, with certificates made by openssl
// for the test: mutual TLS on the service port, the peer's certificate and
// name checked both ways, plaintext only when asked for, and a plaintext
// health-only port for probes.
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/scheduling_server.h"
#include "tests/support/service_process.h"
#include "tests/support/test_certificates.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using testing::TestCertificates;
using testing::TestIdentity;

constexpr char kCatalogService[] = "osteoflow.catalog.v1.CatalogService";
constexpr char kSchedulingService[] = "osteoflow.scheduling.v1.SchedulingService";

class TransportSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto certificates = testing::MakeTestCertificates();
    ASSERT_TRUE(certificates.ok()) << certificates.status();
    certificates_ = *std::move(certificates);
  }

  absl::StatusOr<std::unique_ptr<testing::ServiceProcess>> StartCatalog(const TestIdentity& identity,
                                                                        std::vector<std::string> more = {}) {
    std::vector<std::string> args = testing::TlsArgs(certificates_, identity);
    args.insert(args.end(), more.begin(), more.end());
    return testing::StartCatalogServer(args);
  }

  // A channel presenting `identity` (none when null), trusting `ca_pem`.
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const TestIdentity* identity,
                                            const std::string& ca_pem) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ca_pem;
    if (identity != nullptr) {
      options.pem_cert_chain = identity->cert_pem;
      options.pem_private_key = identity->key_pem;
    }
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(address, grpc::SslCredentials(options), args);
  }

  static grpc::Status CatalogInfo(const std::shared_ptr<grpc::Channel>& channel,
                                  osteoflow::catalog::v1::CatalogInfo* info) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    return osteoflow::catalog::v1::CatalogService::NewStub(channel)->GetCatalogInfo(
        &context, osteoflow::catalog::v1::GetCatalogInfoRequest(), info);
  }

  static grpc::Status Health(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                             HealthCheckResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    HealthCheckRequest request;
    request.set_service(service);
    return grpc::health::v1::Health::NewStub(channel)->Check(&context, request, response);
  }

  // The health-only port from the "serving" log line.
  static int HealthPort(const testing::ServiceProcess& process) {
    std::smatch match;
    const std::string log = process.Log();
    int port = 0;
    if (std::regex_search(log, match, std::regex("\"health_port\":([0-9]+)"))) {
      EXPECT_TRUE(absl::SimpleAtoi(match[1].str(), &port));
    }
    return port;
  }

  TestCertificates certificates_;
};

TEST_F(TransportSecurityTest, OnlyCallersWithACertificateFromTheSuitesCaGetThrough) {
  auto catalog = StartCatalog(certificates_.service);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_THAT((*catalog)->Log(), HasSubstr("\"tls\":true"));
  const std::string address = (*catalog)->address();
  osteoflow::catalog::v1::CatalogInfo info;

  const grpc::Status mutual = CatalogInfo(TlsChannel(address, &certificates_.service, certificates_.ca_pem), &info);
  ASSERT_TRUE(mutual.ok()) << mutual.error_message();
  EXPECT_GT(info.exercise_count(), 0);

  const grpc::Status plaintext =
      CatalogInfo(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), &info);
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << "a plaintext client must not get through";

  const grpc::Status no_certificate = CatalogInfo(TlsChannel(address, nullptr, certificates_.ca_pem), &info);
  EXPECT_EQ(no_certificate.error_code(), grpc::StatusCode::UNAVAILABLE)
      << "a client without a certificate must not reach a mutual-TLS port";

  const grpc::Status stranger = CatalogInfo(TlsChannel(address, &certificates_.stranger, certificates_.ca_pem), &info);
  EXPECT_EQ(stranger.error_code(), grpc::StatusCode::UNAVAILABLE)
      << "a certificate from another CA must not get through";

  // Our own tools speak TLS with the same settings.
  const std::string health_tool = testing::BinaryPath("tools/osteoflow-health");
  const std::vector<std::string> check = {"--target=" + address, std::string("--service=") + kCatalogService,
                                          "--wait=5s"};
  std::vector<std::string> with_tls = check;
  for (const std::string& flag : {"--tls_ca_file=" + certificates_.ca_file,
                                  "--tls_cert_file=" + certificates_.service.cert_file,
                                  "--tls_key_file=" + certificates_.service.key_file}) {
    with_tls.push_back(flag);
  }
  auto healthy = testing::RunToExit(health_tool, with_tls, {}, absl::Seconds(10));
  ASSERT_TRUE(healthy.ok()) << healthy.status();
  EXPECT_EQ(healthy->exit_code, 0) << healthy->output;
  std::vector<std::string> one_second = {"--target=" + address, std::string("--service=") + kCatalogService,
                                         "--wait=1s"};
  auto refused = testing::RunToExit(health_tool, one_second, {}, absl::Seconds(10));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_NE(refused->exit_code, 0) << "the health tool without TLS must not get an answer";
}

TEST_F(TransportSecurityTest, ClientsRefuseAServerWhoseCertificateNamesAnotherHost) {
  auto catalog = StartCatalog(certificates_.wrong_host);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  osteoflow::catalog::v1::CatalogInfo info;
  const grpc::Status status =
      CatalogInfo(TlsChannel((*catalog)->address(), &certificates_.service, certificates_.ca_pem), &info);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  // And a server from another CA is not trusted either.
  auto stranger = StartCatalog(certificates_.stranger);
  ASSERT_TRUE(stranger.ok()) << stranger.status();
  EXPECT_EQ(CatalogInfo(TlsChannel((*stranger)->address(), &certificates_.service, certificates_.ca_pem), &info)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TransportSecurityTest, OptionalClientCertificatesAdmitCallersWithoutOneButNotWithAForeignOne) {
  auto catalog = StartCatalog(certificates_.service, {"--tls_client_certificates=optional"});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::string address = (*catalog)->address();
  osteoflow::catalog::v1::CatalogInfo info;
  EXPECT_TRUE(CatalogInfo(TlsChannel(address, nullptr, certificates_.ca_pem), &info).ok());
  EXPECT_EQ(CatalogInfo(TlsChannel(address, &certificates_.stranger, certificates_.ca_pem), &info).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CatalogInfo(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), &info).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TransportSecurityTest, TheHealthOnlyPortIsPlaintextAndServesNothingElse) {
  auto catalog = StartCatalog(certificates_.service, {"--health_listen_address=127.0.0.1:0"});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const int health_port = HealthPort(**catalog);
  ASSERT_GT(health_port, 0) << (*catalog)->Log();
  auto probe = grpc::CreateChannel("127.0.0.1:" + std::to_string(health_port), grpc::InsecureChannelCredentials());
  HealthCheckResponse response;
  ASSERT_TRUE(Health(probe, "", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(Health(probe, kCatalogService, &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  osteoflow::catalog::v1::CatalogInfo info;
  EXPECT_EQ(CatalogInfo(probe, &info).error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(TransportSecurityTest, AServiceRefusesToStartWithoutTlsUnlessPlaintextIsAskedFor) {
  auto result = testing::RunToExit(testing::BinaryPath("services/catalog/osteoflow-catalog"),
                                   {"--listen_address=127.0.0.1:0"}, {{"OSTEOFLOW_PLAINTEXT", "false"}},
                                   absl::Seconds(10));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 2);
  EXPECT_THAT(result->output, HasSubstr("tls_cert_file"));
}

TEST_F(TransportSecurityTest, ServicesCallTheirPeersOverMutualTls) {
  auto catalog = StartCatalog(certificates_.service);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  // Scheduling is ready once it holds the catalog, fetched over mutual TLS.
  // No screening or cache is needed for that (the cache fails open).
  const int nowhere = testing::PickFreePort();
  auto scheduling = testing::StartSchedulingServer((*catalog)->address(), "127.0.0.1:" + std::to_string(nowhere),
                                                   nowhere, testing::TlsArgs(certificates_, certificates_.service));
  ASSERT_TRUE(scheduling.ok()) << scheduling.status();
  auto channel = TlsChannel((*scheduling)->address(), &certificates_.service, certificates_.ca_pem);
  HealthCheckResponse response;
  for (int i = 0; i < 200 && response.status() != HealthCheckResponse::SERVING; ++i) {
    if (!Health(channel, kSchedulingService, &response).ok()) response.Clear();
    if (response.status() != HealthCheckResponse::SERVING) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << (*scheduling)->Log();


  // With a certificate the catalog does not trust, it never gets the catalog
  // and never becomes ready (seen on its plaintext health port).
  std::vector<std::string> args = testing::TlsArgs(certificates_, certificates_.stranger);
  args.push_back("--health_listen_address=127.0.0.1:0");
  auto outsider = testing::StartSchedulingServer((*catalog)->address(), "127.0.0.1:" + std::to_string(nowhere),
                                                 nowhere, args);
  ASSERT_TRUE(outsider.ok()) << outsider.status();
  auto probe = grpc::CreateChannel("127.0.0.1:" + std::to_string(HealthPort(**outsider)),
                                   grpc::InsecureChannelCredentials());
  for (int i = 0; i < 20; ++i) {
    const grpc::Status checked = Health(probe, kSchedulingService, &response);
    if (checked.ok()) {
      EXPECT_NE(response.status(), HealthCheckResponse::SERVING);
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

}  // namespace
}  // namespace osteoflow

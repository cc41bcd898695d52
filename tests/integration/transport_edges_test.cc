// The edges of start-up, transport and audit on the real binaries with TLS
// and bearer tokens on: an oversized token refused by our verifier without
// failing the other callers on its connection, a busy address refused, keys
// that cannot work refused at start naming their setting, the Bearer scheme
// in any case, audit lines for the unauthenticated, and libprotobuf's own
// messages as JSON lines.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/raw_call.h"
#include "tests/support/redis_server.h"
#include "tests/support/screening_server.h"
#include "tests/support/service_process.h"
#include "tests/support/test_catalog.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_tokens.h"

namespace osteoflow {
namespace {

namespace catalog_v1 = osteoflow::catalog::v1;
namespace screening_v1 = osteoflow::screening::v1;
using ::testing::HasSubstr;

class TransportEdgesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto certificates = testing::MakeTestCertificates();
    ASSERT_TRUE(certificates.ok()) << certificates.status();
    certificates_ = *std::move(certificates);
    auto issuer = testing::TestTokenIssuer::Create();
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    issuer_.emplace(*std::move(issuer));
  }

  std::vector<std::string> SecureArgs() const {
    std::vector<std::string> args = testing::TlsArgs(certificates_, certificates_.service);
    for (const std::string& arg :
         {std::string("--auth=jwt"), "--jwt_public_key_files=" + issuer_->public_key_file(),
          std::string("--jwt_issuer=") + testing::kTestIssuer,
          std::string("--jwt_audience=") + testing::kTestAudience,
          std::string("--service_identities=") + testing::kTestServiceName}) {
      args.push_back(arg);
    }
    return args;
  }

  std::shared_ptr<grpc::Channel> ClientChannel(const std::string& address) const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = certificates_.ca_pem;
    options.pem_cert_chain = certificates_.client.cert_pem;
    options.pem_private_key = certificates_.client.key_pem;
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(address, grpc::SslCredentials(options), args);
  }

  std::string ClinicianToken() const {
    testing::TokenClaims claims;
    claims.subject = "clinician-1";
    claims.role = "clinician";
    return issuer_->Sign(claims);
  }

  static grpc::Status CatalogInfo(catalog_v1::CatalogService::Stub& stub, const std::string& token) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    catalog_v1::CatalogInfo info;
    return stub.GetCatalogInfo(&context, catalog_v1::GetCatalogInfoRequest(), &info);
  }

  testing::TestCertificates certificates_;
  std::optional<testing::TestTokenIssuer> issuer_;
};

// Whether one line of a JSON log holds every one of `parts`.
bool HasLineWith(const std::string& log, const std::vector<std::string>& parts) {
  for (const absl::string_view line : absl::StrSplit(log, '\n')) {
    bool all = true;
    for (const std::string& part : parts) all = all && absl::StrContains(line, part);
    if (all) return true;
  }
  return false;
}

// How many access lines record a call refused as UNAUTHENTICATED.
int RefusedAsUnauthenticated(const std::string& log) {
  int refused = 0;
  for (const absl::string_view line : absl::StrSplit(log, '\n')) {
    refused += absl::StrContains(line, "\"event\":\"rpc\"") && absl::StrContains(line, "UNAUTHENTICATED");
  }
  return refused;
}

// One caller sends tokens from just above the verifier's limit to just below
// the header limit while another calls with a good token on the same
// connection: every long token is refused by our verifier as UNAUTHENTICATED,
// with an access line, and not one of the other caller's calls fails. (gRPC
// 1.51 refuses headers above its limit itself, and may close the connection
// doing so; the limit is set far above any real token.)
TEST_F(TransportEdgesTest, AnOversizedTokenIsRefusedWithoutFailingOtherCallersOnItsConnection) {
  auto catalog = testing::StartCatalogServer(SecureArgs());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::shared_ptr<grpc::Channel> channel = ClientChannel((*catalog)->address());
  auto stub = catalog_v1::CatalogService::NewStub(channel);
  const std::string good = ClinicianToken();
  ASSERT_TRUE(CatalogInfo(*stub, good).ok());

  std::atomic<bool> done{false};
  std::atomic<int> good_calls{0};
  std::vector<std::string> good_failures;
  std::thread good_caller([&] {
    auto own_stub = catalog_v1::CatalogService::NewStub(channel);
    while (!done.load()) {
      const grpc::Status status = CatalogInfo(*own_stub, good);
      ++good_calls;
      if (!status.ok() && good_failures.size() < 5) {
        good_failures.push_back(absl::StrCat(status.error_code(), ": ", status.error_message()));
      }
    }
  });
  for (int round = 0; round < 3; ++round) {
    for (const size_t size : {size_t{8300}, size_t{9500}, size_t{16000}, size_t{60000}}) {
      SCOPED_TRACE(size);
      std::string token = good;
      token.append(size - token.size(), 'A');
      const grpc::Status status = CatalogInfo(*stub, token);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
    }
  }
  absl::SleepFor(absl::Milliseconds(100));
  done = true;
  good_caller.join();
  EXPECT_GT(good_calls.load(), 10);
  EXPECT_TRUE(good_failures.empty()) << good_failures.front();
  EXPECT_TRUE(CatalogInfo(*stub, good).ok());
  // Each refusal is in the access log, as a refusal of our own.
  EXPECT_GE(RefusedAsUnauthenticated((*catalog)->Log()), 3 * 4);
}

// A second process on an address already served exits 1 naming the
// setting, instead of sharing the port and taking half the connections.
TEST_F(TransportEdgesTest, ASecondProcessOnABusyAddressExitsOneNamingIt) {
  auto first = testing::StartCatalogServer();
  ASSERT_TRUE(first.ok()) << first.status();
  for (const std::string& address : {(*first)->address(), absl::StrCat("0.0.0.0:", (*first)->port())}) {
    SCOPED_TRACE(address);
    auto second = testing::RunToExit(testing::BinaryPath("services/catalog/osteoflow-catalog"),
                                     {"--catalog_file=" + testing::ShippedCatalogPath(), "--listen_address=" + address},
                                     {}, absl::Seconds(10));
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_EQ(second->exit_code, 1) << second->output;
    EXPECT_THAT(second->output, HasSubstr("listen_address"));
  }
  EXPECT_TRUE((*first)->WaitForExit(absl::Milliseconds(1)).status().code() == absl::StatusCode::kDeadlineExceeded);
}

// Keys that cannot work stop the process at start, naming their setting:
// a TLS key that is not the certificate's, a token key that is no key, and
// a key of the wrong kind for the token algorithm.
TEST_F(TransportEdgesTest, KeysThatCannotWorkExitTwoNamingTheirSetting) {
  const std::string dir = testing::NewTempPath("edge-keys");  // a file, made to reserve the name
  std::filesystem::remove(dir);
  std::filesystem::create_directories(dir);
  const std::string garbage = dir + "/garbage.pem";
  std::ofstream(garbage) << "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PUBLIC KEY-----\n";
  auto rsa = testing::MakeRsaPublicKey();
  ASSERT_TRUE(rsa.ok()) << rsa.status();
  const std::string rsa_file = dir + "/rsa.pem";
  std::ofstream(rsa_file) << *rsa;
  std::vector<std::string> args = SecureArgs();
  args.push_back("--catalog_file=" + testing::ShippedCatalogPath());
  args.push_back("--listen_address=127.0.0.1:0");
  testing::ExpectSettingsRefused(testing::BinaryPath("services/catalog/osteoflow-catalog"), args,
                                 {{"--tls_key_file=" + certificates_.client.key_file, "tls_key_file"},
                                  {"--jwt_public_key_files=" + garbage, "jwt_public_key_files"},
                                  {"--jwt_public_key_files=" + rsa_file, "jwt_public_key_files"},
                                  {"--jwt_max_lifetime=0s", "jwt_max_lifetime"}});
  std::filesystem::remove_all(dir);
}

// The scheme's name is matched without regard to case (RFC 7235).
TEST_F(TransportEdgesTest, TheBearerSchemeIsMatchedWithoutRegardToCase) {
  auto catalog = testing::StartCatalogServer(SecureArgs());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auto stub = catalog_v1::CatalogService::NewStub(ClientChannel((*catalog)->address()));
  for (const std::string scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    context.AddMetadata("authorization", scheme + " " + ClinicianToken());
    catalog_v1::CatalogInfo info;
    const grpc::Status status = stub->GetCatalogInfo(&context, catalog_v1::GetCatalogInfoRequest(), &info);
    EXPECT_TRUE(status.ok()) << scheme << ": " << status.error_message();
  }
}

// A call to patient records without a believable caller is audited as role
// "none", and every audit line carries the call's request id.
TEST_F(TransportEdgesTest, AuditLinesNameNoRoleForTheUnauthenticatedAndCarryTheRequestId) {
  auto store = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(store.ok()) << store.status();
  auto screening = testing::StartScreeningServer((*store)->port(), SecureArgs());
  ASSERT_TRUE(screening.ok()) << screening.status();
  auto stub = screening_v1::ScreeningService::NewStub(ClientChannel((*screening)->address()));
  for (const auto& [request_id, token] : {std::pair<std::string, std::string>{"edge-audit-none", ""},
                                          {"edge-audit-clinician", ClinicianToken()}}) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    context.AddMetadata("x-request-id", request_id);
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    screening_v1::GetScreeningRequest request;
    request.set_name("patients/patient-1/screenings/00000000000000000000");
    screening_v1::Screening found;
    const grpc::Status status = stub->GetScreening(&context, request, &found);
    EXPECT_NE(status.error_code(), grpc::StatusCode::OK);
  }
  (*screening)->Signal(SIGTERM);
  ASSERT_TRUE((*screening)->WaitForExit(absl::Seconds(15)).ok());
  const std::string log = (*screening)->Log();
  EXPECT_TRUE(HasLineWith(log, {"\"event\":\"audit\"", "\"role\":\"none\"", "\"request_id\":\"edge-audit-none\"",
                                "UNAUTHENTICATED"}))
      << log;
  EXPECT_TRUE(HasLineWith(log, {"\"event\":\"audit\"", "\"role\":\"clinician\"",
                                "\"request_id\":\"edge-audit-clinician\"", "NOT_FOUND"}))
      << log;
  EXPECT_FALSE(HasLineWith(log, {"\"event\":\"audit\"", "\"subject\":\"unauthenticated\"", "\"role\":\"service\""}));
}

// A string field of invalid UTF-8 is refused as a malformed request, and
// what libprotobuf says about it is one of our JSON lines: nothing on stderr
// is plain text.
TEST_F(TransportEdgesTest, InvalidUtf8IsRefusedAndLoggedAsJsonOnly) {
  auto catalog = testing::StartCatalogServer(SecureArgs());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  grpc::GenericStub stub(ClientChannel((*catalog)->address()));
  // GetExerciseRequest.name (field 1) holding bytes that are not UTF-8.
  const std::string request = std::string("\x0a\x04\xff\xfe\xc0\x80", 6);
  std::string response;
  const grpc::Status status = testing::CallRawBytes(stub, "/osteoflow.catalog.v1.CatalogService/GetExercise", request,
                                                    &response, absl::Seconds(5), ClinicianToken());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("request: not a valid"));
  (*catalog)->Signal(SIGTERM);
  ASSERT_TRUE((*catalog)->WaitForExit(absl::Seconds(15)).ok());
  const std::string log = (*catalog)->Log();
  EXPECT_TRUE(HasLineWith(log, {"\"event\":\"protobuf\"", "UTF-8"})) << log;
  for (const absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(absl::StartsWith(line, "{")) << line;
  }
}

}  // namespace
}  // namespace osteoflow

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "common/config/settings.h"
#include "common/server/request_id.h"
#include "common/server/server_settings.h"
#include "common/status/field_violations.h"
#include "common/status/grpc_status.h"
#include "tests/support/test_tokens.h"

ABSL_DECLARE_FLAG(std::string, listen_address);
ABSL_DECLARE_FLAG(int, max_receive_bytes);
ABSL_DECLARE_FLAG(absl::Duration, drain_timeout);
ABSL_DECLARE_FLAG(bool, plaintext);
ABSL_DECLARE_FLAG(std::string, tls_cert_file);
ABSL_DECLARE_FLAG(std::string, tls_key_file);
ABSL_DECLARE_FLAG(std::string, tls_ca_file);
ABSL_DECLARE_FLAG(std::string, tls_client_certificates);
ABSL_DECLARE_FLAG(std::string, health_listen_address);
ABSL_DECLARE_FLAG(std::string, auth);
ABSL_DECLARE_FLAG(std::string, jwt_public_key_files);
ABSL_DECLARE_FLAG(std::string, jwt_issuer);
ABSL_DECLARE_FLAG(std::string, jwt_audience);

namespace osteoflow {
namespace {

using ::testing::HasSubstr;

TEST(FieldViolations, ListsEveryFieldInOneInvalidArgument) {
  FieldViolations violations;
  EXPECT_TRUE(violations.ToStatus().ok());
  violations.Add("age", "must be 18..120");
  violations.Add("dxa.lumbar_spine.t_score", "must be -7..4");
  const absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "age: must be 18..120; dxa.lumbar_spine.t_score: must be -7..4");
}

TEST(FieldViolations, ListsTheFirstTwentyAndCountsTheRest) {
  FieldViolations violations;
  for (int i = 0; i < 1000; ++i) violations.Add("categories", "unknown value");
  const std::string message(violations.ToStatus().message());
  EXPECT_THAT(message, HasSubstr("; and 980 more"));
  EXPECT_LT(message.size(), 1000u);
}

TEST(GrpcStatus, MapsEveryCanonicalCodeAndMessage) {
  for (int code = 0; code <= 16; ++code) {
    const absl::Status domain(static_cast<absl::StatusCode>(code), code == 0 ? "" : "why");
    const grpc::Status mapped = ToGrpcStatus(domain);
    EXPECT_EQ(static_cast<int>(mapped.error_code()), code);
    if (code != 0) {
      EXPECT_EQ(mapped.error_message(), "why");
    }
    EXPECT_EQ(FromGrpcStatus(mapped).code(), domain.code());
  }
  EXPECT_EQ(ToGrpcStatus(InvalidField("name", "required")).error_message(), "name: required");
}

TEST(RequestId, GeneratedIdsAreAcceptableAndDistinct) {
  const std::string a = NewRequestId();
  const std::string b = NewRequestId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsAcceptableRequestId(a));
}

TEST(RequestId, RejectsIdsUnsafeToLog) {
  EXPECT_TRUE(IsAcceptableRequestId("order-7f3a_2.b:1"));
  EXPECT_FALSE(IsAcceptableRequestId(""));
  EXPECT_FALSE(IsAcceptableRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsAcceptableRequestId("a\"b"));
  EXPECT_FALSE(IsAcceptableRequestId("line\nbreak"));
}

TEST(ListenAddress, AcceptsHostPortForms) {
  EXPECT_TRUE(IsValidListenAddress("127.0.0.1:50051"));
  EXPECT_TRUE(IsValidListenAddress("0.0.0.0:0"));
  EXPECT_TRUE(IsValidListenAddress("[::1]:8080"));
  EXPECT_TRUE(IsValidListenAddress("localhost:1"));
  EXPECT_FALSE(IsValidListenAddress("50051"));
  EXPECT_FALSE(IsValidListenAddress(":50051"));
  EXPECT_FALSE(IsValidListenAddress("host:port"));
  EXPECT_FALSE(IsValidListenAddress("host:70000"));
  EXPECT_FALSE(IsValidListenAddress("host:+80"));
  EXPECT_FALSE(IsValidListenAddress("host: 80"));
  EXPECT_FALSE(IsValidListenAddress("::1:80"));
  EXPECT_FALSE(IsValidListenAddress("[]:80"));
}

class ServerSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::SetFlag(&FLAGS_plaintext, true);
    absl::SetFlag(&FLAGS_auth, "off");
  }
  absl::FlagSaver saver_;  // restores every flag after each test
};

TEST_F(ServerSettingsTest, DefaultsUseTheServicesAddress) {
  auto settings = ServerSettingsFromFlags("127.0.0.1:50051");
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->listen_address, "127.0.0.1:50051");
  EXPECT_TRUE(settings->reflection);
  EXPECT_TRUE(settings->security.plaintext);
  EXPECT_TRUE(settings->health_listen_address.empty());
}

TEST_F(ServerSettingsTest, WithoutTlsFilesAServiceRefusesUnlessPlaintextIsAskedFor) {
  absl::SetFlag(&FLAGS_plaintext, false);
  auto settings = ServerSettingsFromFlags("127.0.0.1:1");
  ASSERT_FALSE(settings.ok());
  EXPECT_THAT(std::string(settings.status().message()), HasSubstr("tls_cert_file: required with TLS"));
  EXPECT_THAT(std::string(settings.status().message()), HasSubstr("plaintext=true"));
  absl::SetFlag(&FLAGS_tls_cert_file, "/nonexistent/cert.pem");
  EXPECT_THAT(std::string(ServerSettingsFromFlags("127.0.0.1:1").status().message()),
              HasSubstr("tls_cert_file: cannot read /nonexistent/cert.pem"));
  absl::SetFlag(&FLAGS_plaintext, true);
  absl::SetFlag(&FLAGS_tls_client_certificates, "sometimes");
  EXPECT_THAT(std::string(ServerSettingsFromFlags("127.0.0.1:1").status().message()),
              HasSubstr("tls_client_certificates:"));
  absl::SetFlag(&FLAGS_tls_client_certificates, "optional");
  absl::SetFlag(&FLAGS_health_listen_address, "probe");
  EXPECT_THAT(std::string(ServerSettingsFromFlags("127.0.0.1:1").status().message()),
              HasSubstr("health_listen_address:"));
}

TEST_F(ServerSettingsTest, TokensNeverTravelInClearBeyondLoopback) {
  auto issuer = testing::TestTokenIssuer::Create();
  ASSERT_TRUE(issuer.ok()) << issuer.status();
  absl::SetFlag(&FLAGS_auth, "jwt");
  absl::SetFlag(&FLAGS_jwt_public_key_files, issuer->public_key_file());
  absl::SetFlag(&FLAGS_jwt_issuer, std::string(testing::kTestIssuer));
  absl::SetFlag(&FLAGS_jwt_audience, std::string(testing::kTestAudience));
  absl::SetFlag(&FLAGS_listen_address, "127.0.0.1:50051");
  EXPECT_TRUE(ServerSettingsFromFlags("127.0.0.1:1").ok()) << "plaintext with tokens on loopback";
  absl::SetFlag(&FLAGS_listen_address, "0.0.0.0:50051");
  EXPECT_THAT(std::string(ServerSettingsFromFlags("127.0.0.1:1").status().message()),
              HasSubstr("plaintext: bearer tokens would travel in clear"));
  absl::SetFlag(&FLAGS_auth, "off");
  EXPECT_TRUE(ServerSettingsFromFlags("127.0.0.1:1").ok()) << "no tokens, nothing to leak";
}

TEST_F(ServerSettingsTest, WithoutTokenKeysAServiceRefusesUnlessAuthIsSwitchedOff) {
  absl::SetFlag(&FLAGS_auth, "jwt");
  auto settings = ServerSettingsFromFlags("127.0.0.1:1");
  ASSERT_FALSE(settings.ok());
  EXPECT_THAT(std::string(settings.status().message()), HasSubstr("jwt_public_key_files: required"));
  EXPECT_THAT(std::string(settings.status().message()), HasSubstr("auth=off"));
  absl::SetFlag(&FLAGS_auth, "maybe");
  EXPECT_THAT(std::string(ServerSettingsFromFlags("127.0.0.1:1").status().message()), HasSubstr("auth: want"));
}

TEST_F(ServerSettingsTest, ErrorsNameTheSetting) {
  absl::SetFlag(&FLAGS_listen_address, "nowhere");
  EXPECT_THAT(std::string(ServerSettingsFromFlags("127.0.0.1:1").status().message()),
              HasSubstr("listen_address:"));
  absl::SetFlag(&FLAGS_listen_address, "");
  absl::SetFlag(&FLAGS_max_receive_bytes, 10);
  EXPECT_THAT(std::string(ServerSettingsFromFlags("127.0.0.1:1").status().message()),
              HasSubstr("max_receive_bytes:"));
  absl::SetFlag(&FLAGS_max_receive_bytes, 4096);
  absl::SetFlag(&FLAGS_drain_timeout, absl::ZeroDuration());
  EXPECT_THAT(std::string(ServerSettingsFromFlags("127.0.0.1:1").status().message()),
              HasSubstr("drain_timeout:"));
}

TEST(Settings, EnvironmentNames) {
  EXPECT_EQ(EnvironmentName("listen_address"), "OSTEOFLOW_LISTEN_ADDRESS");
}

}  // namespace
}  // namespace osteoflow

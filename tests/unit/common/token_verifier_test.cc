// Bearer tokens against the verifier, with a signing key made by openssl and
// tokens signed by libjwt at test time.
#include "common/auth/token_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/test_tokens.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;
using testing::TokenClaims;

class TokenVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto issuer = testing::TestTokenIssuer::Create();
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    issuer_.emplace(*std::move(issuer));
    auto other = testing::TestTokenIssuer::Create();
    ASSERT_TRUE(other.ok()) << other.status();
    other_.emplace(*std::move(other));
    TokenRules rules;
    rules.public_keys = {issuer_->public_key_pem()};
    rules.issuer = testing::kTestIssuer;
    rules.audience = testing::kTestAudience;
    auto verifier = TokenVerifier::Create(rules);
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_.emplace(*std::move(verifier));
  }

  absl::Status Refusal(const std::string& token) { return verifier_->Verify(token, absl::Now()).status(); }

  std::optional<testing::TestTokenIssuer> issuer_;
  std::optional<testing::TestTokenIssuer> other_;
  std::optional<TokenVerifier> verifier_;
};

TEST_F(TokenVerifierTest, AGoodTokenNamesTheCaller) {
  TokenClaims claims;
  claims.subject = "app-42";
  claims.role = "patient_app";
  claims.patient_id = "patient-7";
  auto caller = verifier_->Verify(issuer_->Sign(claims), absl::Now());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->subject, "app-42");
  EXPECT_EQ(caller->role, Role::kPatientApp);
  EXPECT_EQ(caller->patient_id, "patient-7");
  // An audience list that includes ours is good too.
  claims.audience = {"someone-else", testing::kTestAudience};
  EXPECT_TRUE(verifier_->Verify(issuer_->Sign(claims), absl::Now()).ok());
}

TEST_F(TokenVerifierTest, BadTokensAreAllUnauthenticatedWithTheReason) {
  const auto expect_refused = [&](const std::string& token, const std::string& why) {
    const absl::Status status = Refusal(token);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << why;
    EXPECT_THAT(std::string(status.message()), HasSubstr(why));
  };
  TokenClaims claims;
  claims.expires_in = -absl::Minutes(5);
  expect_refused(issuer_->Sign(claims), "expired");
  claims = TokenClaims();
  claims.audience = {"another-api"};
  expect_refused(issuer_->Sign(claims), "wrong audience");
  claims = TokenClaims();
  claims.issuer = "https://elsewhere.test";
  expect_refused(issuer_->Sign(claims), "wrong issuer");
  claims = TokenClaims();
  claims.not_before_in = absl::Minutes(10);
  expect_refused(issuer_->Sign(claims), "not valid yet");
  claims = TokenClaims();
  claims.with_expiry = false;
  expect_refused(issuer_->Sign(claims), "no expiry");
  claims = TokenClaims();
  claims.role = "administrator";
  expect_refused(issuer_->Sign(claims), "role must be");
  claims = TokenClaims();
  claims.role = "patient_app";
  expect_refused(issuer_->Sign(claims), "needs patient_id");

  const TokenClaims good;
  expect_refused(testing::UnsignedToken(good), "not a signed JWT");
  expect_refused(testing::UnsignedToken(good) + "c2ln", "algorithm none is not accepted");
  // HS256 keyed with our public key: the classic algorithm confusion.
  expect_refused(testing::HmacToken(good, issuer_->public_key_pem()), "algorithm HS256 is not accepted");
  expect_refused(other_->Sign(good), "signature does not verify");
  TokenClaims app;
  app.role = "patient_app";
  app.patient_id = "patient-7";
  expect_refused(testing::Tampered(issuer_->Sign(app)), "signature does not verify");
  expect_refused("", "missing");
  expect_refused("not.a.token", "not");
}

TEST_F(TokenVerifierTest, DatesMayBeFractionalButMustBeNumbers) {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  TokenClaims claims;
  claims.extra_json = absl::StrCat("{\"exp\":", now + 600, ".5}");
  EXPECT_TRUE(verifier_->Verify(issuer_->Sign(claims), absl::Now()).ok()) << "a fractional exp is a NumericDate";
  claims.extra_json = absl::StrCat("{\"exp\":", now + 600, ",\"nbf\":", now + 3600, ".0}");
  EXPECT_THAT(std::string(Refusal(issuer_->Sign(claims)).message()), HasSubstr("not valid yet"));
  claims.extra_json = absl::StrCat("{\"exp\":", now + 600, ",\"nbf\":\"", now + 3600, "\"}");
  EXPECT_THAT(std::string(Refusal(issuer_->Sign(claims)).message()), HasSubstr("nbf is not a NumericDate"));
  claims.extra_json = "{\"exp\":\"tomorrow\"}";
  EXPECT_THAT(std::string(Refusal(issuer_->Sign(claims)).message()), HasSubstr("exp is not a NumericDate"));
}

TEST_F(TokenVerifierTest, ClockSkewIsTolerated) {
  TokenClaims claims;
  claims.expires_in = -absl::Seconds(10);  // within the default 30 s
  EXPECT_TRUE(verifier_->Verify(issuer_->Sign(claims), absl::Now()).ok());
}

TEST_F(TokenVerifierTest, AnyConfiguredKeySigns) {
  TokenRules rules;
  rules.public_keys = {other_->public_key_pem(), issuer_->public_key_pem()};  // during a rotation
  rules.issuer = testing::kTestIssuer;
  rules.audience = testing::kTestAudience;
  auto verifier = TokenVerifier::Create(rules);
  ASSERT_TRUE(verifier.ok());
  EXPECT_TRUE(verifier->Verify(issuer_->Sign(TokenClaims()), absl::Now()).ok());
  EXPECT_TRUE(verifier->Verify(other_->Sign(TokenClaims()), absl::Now()).ok());
  rules.algorithm = "HS256";
  EXPECT_EQ(TokenVerifier::Create(rules).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TokenVerifierTest, ATokenMayNotLiveLongerThanTheMaximum) {
  TokenClaims claims;
  claims.expires_in = absl::Hours(23);
  EXPECT_TRUE(verifier_->Verify(issuer_->Sign(claims), absl::Now()).ok()) << "within the default 24 h";
  claims.expires_in = absl::Hours(25);
  EXPECT_THAT(std::string(Refusal(issuer_->Sign(claims)).message()), HasSubstr("exp is further ahead"));
  claims = TokenClaims();
  claims.extra_json = "{\"exp\":1e300}";
  const absl::Status far = Refusal(issuer_->Sign(claims));
  EXPECT_EQ(far.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(far.message()), HasSubstr("exp is further ahead"));
}

// A key that cannot verify the configured algorithm stops the service at
// start (naming the setting) instead of letting it refuse every token.
TEST_F(TokenVerifierTest, KeysThatCannotVerifyTheAlgorithmAreRefusedAtStart) {
  TokenRules rules;
  rules.issuer = testing::kTestIssuer;
  rules.audience = testing::kTestAudience;
  const std::string garbage = "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PUBLIC KEY-----\n";
  auto rsa = testing::MakeRsaPublicKey();
  ASSERT_TRUE(rsa.ok()) << rsa.status();
  for (const auto& [what, key, algorithm] :
       {std::tuple<std::string, std::string, std::string>{"garbage between the markers", garbage, "ES256"},
        {"an RSA key for ES256", *rsa, "ES256"},
        {"an EC key for RS256", issuer_->public_key_pem(), "RS256"}}) {
    SCOPED_TRACE(what);
    rules.public_keys = {issuer_->public_key_pem(), key};
    rules.algorithm = algorithm;
    if (algorithm == "RS256") rules.public_keys = {key};
    const absl::Status status = TokenVerifier::Create(rules).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), HasSubstr("jwt_public_key_files"));
  }
  rules.public_keys = {*rsa};
  rules.algorithm = "RS256";
  EXPECT_TRUE(TokenVerifier::Create(rules).ok());
}

}  // namespace
}  // namespace osteoflow

#include "tests/support/test_tokens.h"

#include <jwt.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {
namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

// The claims as a libjwt object, not yet signed.
std::unique_ptr<jwt_t, JwtFree> Build(const TokenClaims& claims) {
  jwt_t* raw = nullptr;
  jwt_new(&raw);
  std::unique_ptr<jwt_t, JwtFree> jwt(raw);
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  jwt_add_grant(raw, "sub", claims.subject.c_str());
  jwt_add_grant(raw, "role", claims.role.c_str());
  if (!claims.patient_id.empty()) jwt_add_grant(raw, "patient_id", claims.patient_id.c_str());
  jwt_add_grant(raw, "iss", claims.issuer.c_str());
  if (claims.audience.size() == 1) {
    jwt_add_grant(raw, "aud", claims.audience[0].c_str());
  } else {
    std::vector<std::string> quoted;
    for (const std::string& audience : claims.audience) quoted.push_back(absl::StrCat("\"", audience, "\""));
    jwt_add_grants_json(raw, absl::StrCat("{\"aud\":[", absl::StrJoin(quoted, ","), "]}").c_str());
  }
  jwt_add_grant_int(raw, "iat", now);
  if (claims.with_expiry) jwt_add_grant_int(raw, "exp", now + absl::ToInt64Seconds(claims.expires_in));
  if (claims.not_before_in != absl::ZeroDuration()) {
    jwt_add_grant_int(raw, "nbf", now + absl::ToInt64Seconds(claims.not_before_in));
  }
  if (!claims.extra_json.empty()) {
    for (const char* name : {"exp", "nbf"}) jwt_del_grants(raw, name);
    jwt_add_grants_json(raw, claims.extra_json.c_str());
  }
  return jwt;
}

std::string Encode(jwt_t* jwt) {
  char* text = jwt_encode_str(jwt);
  if (text == nullptr) return "";
  std::string token(text);
  std::free(text);
  return token;
}

}  // namespace

absl::StatusOr<TestTokenIssuer> TestTokenIssuer::Create() {
  const std::string dir = NewTempPath("token-keys");
  std::error_code error;
  std::filesystem::remove(dir, error);
  if (!std::filesystem::create_directories(dir, error)) return absl::InternalError("cannot make a key directory");
  const std::string private_key = dir + "/signing.pem";
  TestTokenIssuer issuer;
  issuer.public_key_file_ = dir + "/verifying.pem";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", private_key},
        std::vector<std::string>{"ec", "-in", private_key, "-pubout", "-out", issuer.public_key_file_}}) {
    absl::StatusOr<ProcessResult> result = RunToExit("/usr/bin/openssl", args, {}, absl::Seconds(30));
    if (!result.ok()) return result.status();
    if (result->exit_code != 0) return absl::InternalError(absl::StrCat("openssl: ", result->output));
  }
  issuer.private_key_pem_ = ReadFile(private_key);
  issuer.public_key_pem_ = ReadFile(issuer.public_key_file_);
  return issuer;
}

absl::StatusOr<std::string> MakeRsaPublicKey() {
  const std::string dir = NewTempPath("rsa-key");
  std::error_code error;
  std::filesystem::remove(dir, error);
  if (!std::filesystem::create_directories(dir, error)) return absl::InternalError("cannot make a key directory");
  const std::string private_key = dir + "/private.pem";
  const std::string public_key = dir + "/public.pem";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                                 private_key},
        std::vector<std::string>{"pkey", "-in", private_key, "-pubout", "-out", public_key}}) {
    absl::StatusOr<ProcessResult> result = RunToExit("/usr/bin/openssl", args, {}, absl::Seconds(30));
    if (!result.ok()) return result.status();
    if (result->exit_code != 0) return absl::InternalError(absl::StrCat("openssl: ", result->output));
  }
  std::string pem = ReadFile(public_key);
  std::filesystem::remove_all(dir, error);
  return pem;
}

std::string TestTokenIssuer::Sign(const TokenClaims& claims) const {
  auto jwt = Build(claims);
  jwt_set_alg(jwt.get(), JWT_ALG_ES256, reinterpret_cast<const unsigned char*>(private_key_pem_.data()),
              static_cast<int>(private_key_pem_.size()));
  return Encode(jwt.get());
}

std::string UnsignedToken(const TokenClaims& claims) {
  auto jwt = Build(claims);
  jwt_set_alg(jwt.get(), JWT_ALG_NONE, nullptr, 0);
  return Encode(jwt.get());
}

std::string HmacToken(const TokenClaims& claims, const std::string& secret) {
  auto jwt = Build(claims);
  jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
              static_cast<int>(secret.size()));
  return Encode(jwt.get());
}

std::string Tampered(const std::string& token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return token;
  std::string payload;
  absl::WebSafeBase64Unescape(parts[1], &payload);
  payload = absl::StrReplaceAll(payload, {{"\"patient_app\"", "\"clinician\""}, {"\"operator\"", "\"clinician\""}});
  absl::WebSafeBase64Escape(payload, &parts[1]);
  return absl::StrJoin(parts, ".");
}

}  // namespace osteoflow::testing

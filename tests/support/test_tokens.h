#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace osteoflow::testing {

inline constexpr char kTestIssuer[] = "https://issuer.osteoflow.test";
inline constexpr char kTestAudience[] = "osteoflow";

struct TokenClaims {
  std::string subject = "user-1";
  std::string role = "clinician";
  std::string patient_id;
  std::string issuer = kTestIssuer;
  std::vector<std::string> audience = {kTestAudience};
  // Relative to now.
  absl::Duration expires_in = absl::Minutes(10);
  absl::Duration not_before_in = absl::ZeroDuration();
  bool with_expiry = true;
  // More claims as a JSON object, added last (they replace the ones above).
  std::string extra_json;
};

// An ES256 signing key made with openssl for one test, and tokens signed
// with it by libjwt.
class TestTokenIssuer {
 public:
  static absl::StatusOr<TestTokenIssuer> Create();

  std::string Sign(const TokenClaims& claims) const;
  const std::string& public_key_file() const { return public_key_file_; }
  const std::string& public_key_pem() const { return public_key_pem_; }

 private:
  std::string private_key_pem_;
  std::string public_key_pem_;
  std::string public_key_file_;
};

// The PEM public half of a 2048-bit RSA key made with openssl.
absl::StatusOr<std::string> MakeRsaPublicKey();

// The same claims with "alg": "none" and no signature.
std::string UnsignedToken(const TokenClaims& claims);
// HS256 keyed with `secret` (for example the public key's PEM text).
std::string HmacToken(const TokenClaims& claims, const std::string& secret);
// A valid token whose payload was changed afterwards (role and patient),
// keeping the original signature.
std::string Tampered(const std::string& token);

}  // namespace osteoflow::testing

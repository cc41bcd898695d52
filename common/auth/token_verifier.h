#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"

namespace osteoflow {

// What a bearer token must be to be believed.
struct TokenRules {
  // "RS256" or "ES256": the only algorithm accepted, whatever a token's
  // header says (no "none", no HMAC keyed with a public key).
  std::string algorithm = "ES256";
  // PEM public keys; a token signed by any of them is accepted (rotation).
  std::vector<std::string> public_keys;
  std::string issuer;
  std::string audience;
  absl::Duration clock_skew = absl::Seconds(30);
  // The longest a token may still be valid for: a token whose exp lies
  // further ahead is refused, however well signed (a stolen one would not
  // expire).
  absl::Duration max_lifetime = absl::Hours(24);
};

// Verifies JSON Web Tokens with libjwt: signature against the configured
// keys, algorithm, issuer, audience, expiry and not-before (with clock skew),
// then reads the caller from "sub", "role" and, for a patient app,
// "patient_id". Every failure is UNAUTHENTICATED with the reason. Thread-safe.
class TokenVerifier {
 public:
  static absl::StatusOr<TokenVerifier> Create(TokenRules rules);

  absl::StatusOr<Caller> Verify(absl::string_view token, absl::Time now) const;

 private:
  explicit TokenVerifier(TokenRules rules) : rules_(std::move(rules)) {}
  TokenRules rules_;
};

}  // namespace osteoflow

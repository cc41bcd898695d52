#include "common/auth/token_verifier.h"

#include <jwt.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/security/key_checks.h"
#include "common/text/identifiers.h"

namespace osteoflow {
namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using Jwt = std::unique_ptr<jwt_t, JwtFree>;

absl::Status Refused(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("bearer token: ", why));
}

// The header's "alg", read before libjwt sees the token: libjwt verifies with
// whatever algorithm the header names, so the one we accept is pinned first.
absl::StatusOr<std::string> HeaderAlgorithm(absl::string_view header_part) {
  std::string header_json;
  if (!absl::WebSafeBase64Unescape(header_part, &header_json)) return Refused("header is not base64url");
  google::protobuf::Struct header;
  if (!google::protobuf::util::JsonStringToMessage(header_json, &header).ok()) {
    return Refused("header is not JSON");
  }
  auto alg = header.fields().find("alg");
  if (alg == header.fields().end() || !alg->second.has_string_value()) return Refused("header has no alg");
  return alg->second.string_value();
}

bool AudienceMatches(jwt_t* jwt, const std::string& audience) {
  if (const char* single = jwt_get_grant(jwt, "aud"); single != nullptr) return audience == single;
  // An array of audiences.
  char* json = jwt_get_grants_json(jwt, "aud");
  if (json == nullptr) return false;
  std::unique_ptr<char, decltype(&std::free)> owned(json, &std::free);
  google::protobuf::Value value;
  if (!google::protobuf::util::JsonStringToMessage(json, &value).ok() || !value.has_list_value()) return false;
  for (const google::protobuf::Value& entry : value.list_value().values()) {
    if (entry.has_string_value() && entry.string_value() == audience) return true;
  }
  return false;
}

// A NumericDate claim (seconds, possibly fractional): nullopt when absent,
// UNAUTHENTICATED when present but not a finite number. Read as JSON: libjwt's
// integer getter reads a fraction or a string as 0 without saying so.
absl::StatusOr<std::optional<int64_t>> DateClaim(jwt_t* jwt, const char* name) {
  char* json = jwt_get_grants_json(jwt, name);
  if (json == nullptr) return std::nullopt;
  std::unique_ptr<char, decltype(&std::free)> owned(json, &std::free);
  google::protobuf::Value value;
  if (!google::protobuf::util::JsonStringToMessage(json, &value).ok() || !value.has_number_value() ||
      !std::isfinite(value.number_value())) {
    return Refused(absl::StrCat(name, " is not a NumericDate"));
  }
  // Far beyond any real date either way: clamped, so nothing overflows.
  const double seconds = std::clamp(std::floor(value.number_value()), -1e15, 1e15);
  return std::optional<int64_t>(static_cast<int64_t>(seconds));
}

}  // namespace

absl::StatusOr<TokenVerifier> TokenVerifier::Create(TokenRules rules) {
  if (rules.algorithm != "RS256" && rules.algorithm != "ES256") {
    return absl::InvalidArgumentError("jwt_algorithm: want RS256 or ES256");
  }
  if (rules.public_keys.empty()) return absl::InvalidArgumentError("jwt_public_key_files: required");
  if (rules.issuer.empty()) return absl::InvalidArgumentError("jwt_issuer: required");
  if (rules.audience.empty()) return absl::InvalidArgumentError("jwt_audience: required");
  if (rules.clock_skew < absl::ZeroDuration() || rules.clock_skew > absl::Minutes(5)) {
    return absl::InvalidArgumentError("jwt_clock_skew: must be 0..5m");
  }
  if (rules.max_lifetime < absl::Minutes(1) || rules.max_lifetime > absl::Hours(24 * 30)) {
    return absl::InvalidArgumentError("jwt_max_lifetime: must be 1m..720h");
  }
  for (size_t i = 0; i < rules.public_keys.size(); ++i) {
    absl::Status usable = CheckTokenKey(rules.public_keys[i], rules.algorithm, "jwt_public_key_files",
                                        absl::StrCat("key ", i + 1));
    if (!usable.ok()) return usable;
  }
  return TokenVerifier(std::move(rules));
}

absl::StatusOr<Caller> TokenVerifier::Verify(absl::string_view token, absl::Time now) const {
  if (token.empty()) return Refused("missing");
  if (token.size() > 8192) return Refused("too long");
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return Refused("not a signed JWT (header.payload.signature)");
  }
  absl::StatusOr<std::string> algorithm = HeaderAlgorithm(parts[0]);
  if (!algorithm.ok()) return algorithm.status();
  if (*algorithm != rules_.algorithm) return Refused(absl::StrCat("algorithm ", *algorithm, " is not accepted"));

  const std::string text(token);
  Jwt jwt;
  for (const std::string& key : rules_.public_keys) {
    jwt_t* decoded = nullptr;
    if (jwt_decode(&decoded, text.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                   static_cast<int>(key.size())) == 0) {
      jwt.reset(decoded);
      break;
    }
    if (decoded != nullptr) jwt_free(decoded);
  }
  if (jwt == nullptr) return Refused("signature does not verify with any configured key");
  const jwt_alg_t expected = rules_.algorithm == "RS256" ? JWT_ALG_RS256 : JWT_ALG_ES256;
  if (jwt_get_alg(jwt.get()) != expected) return Refused("algorithm is not accepted");

  const char* issuer = jwt_get_grant(jwt.get(), "iss");
  if (issuer == nullptr || rules_.issuer != issuer) return Refused("wrong issuer");
  if (!AudienceMatches(jwt.get(), rules_.audience)) return Refused("wrong audience");
  const int64_t now_seconds = absl::ToUnixSeconds(now);
  const int64_t skew = absl::ToInt64Seconds(rules_.clock_skew);
  const absl::StatusOr<std::optional<int64_t>> expiry = DateClaim(jwt.get(), "exp");
  if (!expiry.ok()) return expiry.status();
  if (!expiry->has_value()) return Refused("no expiry");
  if (now_seconds - skew > **expiry) return Refused("expired");
  if (**expiry - now_seconds > absl::ToInt64Seconds(rules_.max_lifetime) + skew) {
    return Refused("exp is further ahead than a token may live");
  }
  const absl::StatusOr<std::optional<int64_t>> not_before = DateClaim(jwt.get(), "nbf");
  if (!not_before.ok()) return not_before.status();
  if (not_before->has_value() && now_seconds + skew < **not_before) return Refused("not valid yet");

  Caller caller;
  const char* subject = jwt_get_grant(jwt.get(), "sub");
  if (subject == nullptr || !IsOpaqueId(subject)) return Refused("sub must be an opaque id");
  caller.subject = subject;
  const char* role_name = jwt_get_grant(jwt.get(), "role");
  const std::optional<Role> role = role_name == nullptr ? std::nullopt : RoleNamed(role_name);
  if (!role.has_value()) return Refused("role must be clinician, patient_app, service or operator");
  caller.role = *role;
  if (caller.role == Role::kPatientApp) {
    const char* patient = jwt_get_grant(jwt.get(), "patient_id");
    if (patient == nullptr || !IsOpaqueId(patient)) return Refused("a patient_app token needs patient_id");
    caller.patient_id = patient;
  }
  return caller;
}

}  // namespace osteoflow

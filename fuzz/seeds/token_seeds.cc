#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "fuzz/seeds/seed_files.h"
#include "fuzz/seeds/seeds.h"
#include "fuzz/support/shipped_data.h"

namespace osteoflow::fuzz {
namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

// A token of these claims (JSON) signed with `alg` and `key` (none: no key).
std::string Token(const std::string& claims_json, jwt_alg_t alg, const std::string& key) {
  jwt_t* raw = nullptr;
  jwt_new(&raw);
  std::unique_ptr<jwt_t, JwtFree> jwt(raw);
  jwt_add_grants_json(raw, claims_json.c_str());
  jwt_set_alg(raw, alg, key.empty() ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
              static_cast<int>(key.size()));
  char* text = jwt_encode_str(raw);
  if (text == nullptr) return "";
  std::string token(text);
  std::free(text);
  return token;
}

// Claims for the test issuer and audience, expiring `expires_in` seconds
// after the fuzz clock's now.
std::string Claims(const std::string& more, int64_t expires_in = 600) {
  const int64_t now = absl::ToUnixSeconds(FuzzNow());
  return "{\"iss\":\"https://issuer.osteoflow.test\",\"aud\":\"osteoflow\",\"iat\":" + std::to_string(now) +
         ",\"exp\":" + std::to_string(now + expires_in) + (more.empty() ? "" : "," + more) + "}";
}

}  // namespace

void MakeTokenSeeds(const std::filesystem::path& corpus, const std::string& private_key_pem) {
  const SeedFolder tokens(corpus, "bearer_token");
  const auto signed_with_key = [&](const std::string& claims) { return Token(claims, JWT_ALG_ES256, private_key_pem); };
  tokens.Add("clinician", signed_with_key(Claims("\"sub\":\"clinician-7\",\"role\":\"clinician\"")));
  tokens.Add("patient-app",
             signed_with_key(Claims("\"sub\":\"app-1\",\"role\":\"patient_app\",\"patient_id\":\"patient-7\"")));
  tokens.Add("patient-app-without-patient", signed_with_key(Claims("\"sub\":\"app-1\",\"role\":\"patient_app\"")));
  tokens.Add("service-audience-list",
             signed_with_key("{\"iss\":\"https://issuer.osteoflow.test\",\"aud\":[\"other\",\"osteoflow\"],\"exp\":" +
                             std::to_string(absl::ToUnixSeconds(FuzzNow()) + 60) +
                             ",\"sub\":\"progress\",\"role\":\"service\"}"));
  tokens.Add("expired", signed_with_key(Claims("\"sub\":\"clinician-7\",\"role\":\"clinician\"", -600)));
  tokens.Add("lives-too-long", signed_with_key(Claims("\"sub\":\"clinician-7\",\"role\":\"clinician\"", 90 * 86400)));
  tokens.Add("not-yet-valid", signed_with_key(Claims("\"sub\":\"clinician-7\",\"role\":\"clinician\",\"nbf\":" +
                                                     std::to_string(absl::ToUnixSeconds(FuzzNow()) + 600))));
  tokens.Add("fractional-expiry",
             signed_with_key("{\"iss\":\"https://issuer.osteoflow.test\",\"aud\":\"osteoflow\",\"exp\":" +
                             std::to_string(absl::ToUnixSeconds(FuzzNow()) + 60) +
                             ".5,\"sub\":\"operator-1\",\"role\":\"operator\"}"));
  tokens.Add("wrong-issuer",
             signed_with_key("{\"iss\":\"https://elsewhere.test\",\"aud\":\"osteoflow\",\"exp\":" +
                             std::to_string(absl::ToUnixSeconds(FuzzNow()) + 60) + ",\"sub\":\"a\",\"role\":\"clinician\"}"));
  tokens.Add("unknown-role", signed_with_key(Claims("\"sub\":\"someone\",\"role\":\"admin\"")));
  tokens.Add("alg-none", Token(Claims("\"sub\":\"clinician-7\",\"role\":\"clinician\""), JWT_ALG_NONE, ""));
  tokens.Add("not-a-jwt", "Bearer abc.def");
}

}  // namespace osteoflow::fuzz

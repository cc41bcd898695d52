// osteoflow-token: a short-lived bearer token for a trial or a test harness,
// signed with a trial issuer's private key (deploy/make-local-secrets.sh
// makes one). Production tokens come from the deployment's own issuer; this
// tool exists so that a harness never has to hand-craft a JWT.
#include <jwt.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/config/settings.h"
#include "common/text/identifiers.h"

ABSL_FLAG(std::string, signing_key, "", "the issuer's private key (PEM, P-256) that signs the token (ES256)");
ABSL_FLAG(std::string, role, "", "clinician, patient_app, service or operator");
ABSL_FLAG(std::string, patient_id, "", "the one patient a patient_app token reaches (required for it, refused for others)");
ABSL_FLAG(std::string, subject, "", "the caller's opaque id (sub); default harness-<role>");
ABSL_FLAG(std::string, issuer, "https://issuer.osteoflow.local", "iss: the services' jwt_issuer");
ABSL_FLAG(std::string, audience, "osteoflow", "aud: the services' jwt_audience");
ABSL_FLAG(absl::Duration, lifetime, absl::Minutes(30), "how long the token is good for (the services refuse over 24 h)");

namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return in ? text.str() : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "osteoflow-token --signing_key=FILE --role=ROLE [--patient_id=ID]: prints a bearer token");
  absl::ParseCommandLine(argc, argv);
  const std::string role_name = absl::GetFlag(FLAGS_role);
  const std::optional<osteoflow::Role> role = osteoflow::RoleNamed(role_name);
  if (!role.has_value()) osteoflow::ExitInvalidSetting("role", "want clinician, patient_app, service or operator");
  const std::string patient = absl::GetFlag(FLAGS_patient_id);
  if (*role == osteoflow::Role::kPatientApp && !osteoflow::IsOpaqueId(patient)) {
    osteoflow::ExitInvalidSetting("patient_id", "a patient_app token is bound to one patient: give an opaque id");
  }
  if (*role != osteoflow::Role::kPatientApp && !patient.empty()) {
    osteoflow::ExitInvalidSetting("patient_id", "only a patient_app token is bound to a patient");
  }
  std::string subject = absl::GetFlag(FLAGS_subject);
  if (subject.empty()) subject = absl::StrCat("harness-", role_name);
  if (!osteoflow::IsOpaqueId(subject)) osteoflow::ExitInvalidSetting("subject", "want an opaque id");
  const absl::Duration lifetime = absl::GetFlag(FLAGS_lifetime);
  if (lifetime < absl::Seconds(1) || lifetime > absl::Hours(24)) {
    osteoflow::ExitInvalidSetting("lifetime", "must be 1s..24h");
  }
  const std::string key_file = absl::GetFlag(FLAGS_signing_key);
  const std::string key = key_file.empty() ? std::string() : ReadFile(key_file);
  if (key.empty()) osteoflow::ExitInvalidSetting("signing_key", "want a readable PEM private key");

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return 1;
  const std::unique_ptr<jwt_t, JwtFree> jwt(raw);
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  jwt_add_grant(raw, "sub", subject.c_str());
  jwt_add_grant(raw, "role", role_name.c_str());
  if (!patient.empty()) jwt_add_grant(raw, "patient_id", patient.c_str());
  jwt_add_grant(raw, "iss", absl::GetFlag(FLAGS_issuer).c_str());
  jwt_add_grant(raw, "aud", absl::GetFlag(FLAGS_audience).c_str());
  jwt_add_grant_int(raw, "iat", now);
  jwt_add_grant_int(raw, "exp", now + absl::ToInt64Seconds(lifetime));
  if (jwt_set_alg(raw, JWT_ALG_ES256, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0) {
    osteoflow::ExitInvalidSetting("signing_key", "not a key ES256 can sign with");
  }
  char* token = jwt_encode_str(raw);
  if (token == nullptr) osteoflow::ExitInvalidSetting("signing_key", "not a P-256 private key");
  std::printf("%s\n", token);
  std::free(token);
  return 0;
}

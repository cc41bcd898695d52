#include "common/server/call_access.h"

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/log/log_writer.h"
#include "common/server/request_id.h"

ABSL_FLAG(std::string, auth, "jwt",
          "jwt: every call needs a bearer token (or, between our services, a service certificate); "
          "off: no authentication, for local development only");
ABSL_FLAG(std::string, jwt_public_key_files, "", "comma-separated PEM public keys that sign bearer tokens");
ABSL_FLAG(std::string, jwt_algorithm, "ES256", "the one token algorithm accepted: ES256 or RS256");
ABSL_FLAG(std::string, jwt_issuer, "", "the issuer (iss) tokens must name");
ABSL_FLAG(std::string, jwt_audience, "", "the audience (aud) tokens must name");
ABSL_FLAG(absl::Duration, jwt_clock_skew, absl::Seconds(30), "tolerance on exp and nbf");
ABSL_FLAG(absl::Duration, jwt_max_lifetime, absl::Hours(24),
          "tokens whose exp lies further ahead than this are refused");
ABSL_FLAG(std::string, service_identities, "",
          "comma-separated certificate names of the suite's own services, admitted as the service role");

namespace osteoflow {
namespace {

// Set once, before serving, and never freed: a call may read it at any time.
std::atomic<const AccessSettings*> g_settings{nullptr};
thread_local const ForwardedCaller* t_forwarded = nullptr;

absl::StatusOr<std::string> ReadKey(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::InvalidArgumentError(absl::StrCat("jwt_public_key_files: cannot read ", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (!absl::StrContains(text.str(), "PUBLIC KEY")) {
    return absl::InvalidArgumentError(absl::StrCat("jwt_public_key_files: ", path, " is not a PEM public key"));
  }
  return text.str();
}

// Our own service, by a DNS name in the certificate it presented over mutual
// TLS. Only DNS names count: a common name, or an e-mail or URI alternative
// name, is easier to get a CA to copy from a request unchecked.
std::optional<Caller> PeerService(const grpc::ServerContextBase& context, const AccessSettings& settings) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return std::nullopt;
  for (const grpc::string_ref& name : auth->FindPropertyValues("peer_dns")) {
    const std::string identity(name.data(), name.size());
    for (const std::string& ours : settings.service_identities) {
      if (identity == ours) return Caller{identity, Role::kService, ""};
    }
  }
  return std::nullopt;
}

absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context, const AccessSettings& settings,
                                    std::string* token, bool* by_certificate) {
  *by_certificate = false;
  const auto& metadata = context.client_metadata();
  auto header = metadata.find("authorization");
  if (header != metadata.end()) {
    const absl::string_view value(header->second.data(), header->second.size());
    // The scheme's name is case-insensitive (RFC 7235, section 2.1).
    if (!absl::StartsWithIgnoreCase(value, "Bearer ")) {
      return absl::UnauthenticatedError("authorization: want \"Bearer <token>\"");
    }
    *token = std::string(absl::StripLeadingAsciiWhitespace(value.substr(7)));
    return settings.verifier->Verify(*token, absl::Now());
  }
  if (std::optional<Caller> service = PeerService(context, settings)) {
    *by_certificate = true;
    return *service;
  }
  return absl::UnauthenticatedError("bearer token: missing (authorization: Bearer <token>)");
}

}  // namespace

absl::StatusOr<AccessSettings> AccessSettingsFromFlags() {
  AccessSettings settings;
  const std::string mode = absl::GetFlag(FLAGS_auth);
  if (mode == "off") {
    settings.enabled = false;
    return settings;
  }
  if (mode != "jwt") return absl::InvalidArgumentError("auth: want jwt or off");
  TokenRules rules;
  rules.algorithm = absl::GetFlag(FLAGS_jwt_algorithm);
  for (absl::string_view path : absl::StrSplit(absl::GetFlag(FLAGS_jwt_public_key_files), ',', absl::SkipEmpty())) {
    absl::StatusOr<std::string> key = ReadKey(std::string(path));
    if (!key.ok()) return key.status();
    rules.public_keys.push_back(*std::move(key));
  }
  rules.issuer = absl::GetFlag(FLAGS_jwt_issuer);
  rules.audience = absl::GetFlag(FLAGS_jwt_audience);
  rules.clock_skew = absl::GetFlag(FLAGS_jwt_clock_skew);
  rules.max_lifetime = absl::GetFlag(FLAGS_jwt_max_lifetime);
  absl::StatusOr<TokenVerifier> verifier = TokenVerifier::Create(std::move(rules));
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(verifier.status().message(),
                                                   " (or set auth=off for local development)"));
  }
  settings.verifier.emplace(*std::move(verifier));
  for (absl::string_view name : absl::StrSplit(absl::GetFlag(FLAGS_service_identities), ',', absl::SkipEmpty())) {
    settings.service_identities.emplace_back(name);
  }
  return settings;
}

void CallAccess::Configure(AccessSettings settings) {
  // Auth on without a verifier would fail every token; refuse to half-set.
  if (settings.enabled && !settings.verifier.has_value()) {
    LogLine("warning").Add("message", "auth is on without token keys: every call is refused").Write();
  }
  g_settings.store(new AccessSettings(std::move(settings)));
}

absl::StatusOr<CallAccess::Admitted> CallAccess::Admit(const grpc::ServerContextBase& context,
                                                       const MethodAccess& access,
                                                       const google::protobuf::Message& request) {
  Admitted admitted;
  admitted.request_id = RequestIdOf(context);
  admitted.trace = TraceContextOf(context);
  admitted.patient_data = access.patient_records();
  admitted.patient_id = access.PatientOf(request);
  const AccessSettings* settings = g_settings.load();
  // Fail closed: a server that never configured access serves no one.
  if (settings == nullptr) return absl::UnavailableError("access control is not configured");
  if (!settings->enabled) {
    admitted.caller = Caller{"anonymous", Role::kService, ""};
    return admitted;
  }
  if (!settings->verifier.has_value()) return absl::UnavailableError("access control has no token keys");
  bool by_certificate = false;
  absl::StatusOr<Caller> caller = Authenticate(context, *settings, &admitted.token, &by_certificate);
  if (!caller.ok()) {
    admitted.caller = Caller{"unauthenticated", Role::kService, ""};
    admitted.authenticated = false;
    Audit(access, admitted, caller.status());
    return caller.status();
  }
  admitted.caller = *std::move(caller);
  absl::Status allowed = access.Decide(admitted.caller, admitted.patient_id);
  // A service's certificate alone is for background work on reference data;
  // patient records need the caller's token, forwarded.
  if (allowed.ok() && by_certificate && admitted.patient_data) {
    allowed = absl::PermissionDeniedError("patient records need a caller's token, not a service certificate alone");
  }
  if (allowed.ok() && admitted.caller.role == Role::kPatientApp) {
    const google::protobuf::FieldDescriptor* field = access.FieldOnlyViaSuiteServices(request);
    if (field != nullptr && !PeerService(context, *settings).has_value()) {
      allowed = absl::PermissionDeniedError(
          absl::StrCat(field->name(), ": a patient app may not send it; it names a stored record instead"));
    }
  }
  if (!allowed.ok()) {
    Audit(access, admitted, allowed);
    return allowed;
  }
  return admitted;
}

void CallAccess::Audit(const MethodAccess& access, const Admitted& admitted, const absl::Status& outcome) {
  if (!admitted.patient_data) return;
  LogWriter::Instance().WriteAudit({.at = absl::Now(),
                                    .subject = admitted.caller.subject,
                                    .role = admitted.authenticated ? NameOf(admitted.caller.role) : "none",
                                    .method = access.method(),
                                    .patient_id = admitted.patient_id,
                                    .outcome = outcome.code(),
                                    .request_id = admitted.request_id,
                                    .trace_id = admitted.trace.trace_id,
                                    .span_id = admitted.trace.span_id});
}

ForwardedCaller::ForwardedCaller(const CallAccess::Admitted& admitted)
    : token_(admitted.token), trace_(admitted.trace), previous_(t_forwarded) {
  t_forwarded = this;
}

ForwardedCaller::~ForwardedCaller() { t_forwarded = previous_; }

void ForwardedCaller::AttachTo(grpc::ClientContext& context) {
  if (t_forwarded == nullptr) return;
  if (!t_forwarded->token_.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", t_forwarded->token_));
  }
  AttachTraceTo(context);
}

void ForwardedCaller::AttachTraceTo(grpc::ClientContext& context) {
  if (t_forwarded != nullptr && !t_forwarded->trace_.trace_id.empty()) {
    context.AddMetadata(kTraceparentKey, t_forwarded->trace_.TraceparentForPeers());
  }
}

void PreparePeerCall(grpc::ClientContext& context, absl::Duration deadline) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  ForwardedCaller::AttachTo(context);
}

}  // namespace osteoflow

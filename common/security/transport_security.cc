#include "common/security/transport_security.h"

#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/security/key_checks.h"

ABSL_FLAG(bool, plaintext, false,
          "serve (and call peers) without TLS; for local development only, never in a deployment");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM certificate chain of this process (server and client)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificate(s) trusted for the suite's servers and for callers' client certificates");
ABSL_FLAG(std::string, tls_client_certificates, "require",
          "require: mutual TLS, callers need a certificate from tls_ca_file; optional: verified when "
          "presented, callers without one authenticate by token only");

namespace osteoflow {
namespace {

absl::StatusOr<std::string> ReadPem(absl::string_view setting, const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(setting, ": required with TLS"));
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::InvalidArgumentError(absl::StrCat(setting, ": cannot read ", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (!absl::StrContains(text.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat(setting, ": ", path, " is not PEM"));
  }
  return text.str();
}

absl::Status ReadFiles(TransportSecurity& security, bool need_own_certificate) {
  const std::string cert_path = absl::GetFlag(FLAGS_tls_cert_file);
  const std::string key_path = absl::GetFlag(FLAGS_tls_key_file);
  if (need_own_certificate || !cert_path.empty() || !key_path.empty()) {
    absl::StatusOr<std::string> certificate = ReadPem("tls_cert_file", cert_path);
    if (!certificate.ok()) return certificate.status();
    absl::StatusOr<std::string> key = ReadPem("tls_key_file", key_path);
    if (!key.ok()) return key.status();
    if (absl::Status matches = CheckKeyMatchesCertificate(*certificate, *key, "tls_key_file"); !matches.ok()) {
      return matches;
    }
    security.certificate_chain = *std::move(certificate);
    security.private_key = *std::move(key);
  }
  absl::StatusOr<std::string> ca = ReadPem("tls_ca_file", absl::GetFlag(FLAGS_tls_ca_file));
  if (!ca.ok()) return ca.status();
  security.trusted_ca = *std::move(ca);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TransportSecurity> ServerTransportFromFlags() {
  TransportSecurity security;
  const std::string client_certificates = absl::GetFlag(FLAGS_tls_client_certificates);
  if (client_certificates != "require" && client_certificates != "optional") {
    return absl::InvalidArgumentError("tls_client_certificates: want require or optional");
  }
  security.require_client_certificate = client_certificates == "require";
  if (absl::GetFlag(FLAGS_plaintext)) return security;
  security.plaintext = false;
  if (absl::Status read = ReadFiles(security, /*need_own_certificate=*/true); !read.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(read.message(), " (or set plaintext=true for local development)"));
  }
  return security;
}

absl::StatusOr<TransportSecurity> ClientTransportFromFlags() {
  TransportSecurity security;
  if (absl::GetFlag(FLAGS_tls_ca_file).empty()) return security;
  security.plaintext = false;
  if (absl::Status read = ReadFiles(security, /*need_own_certificate=*/false); !read.ok()) return read;
  return security;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const TransportSecurity& security) {
  if (security.plaintext) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      security.require_client_certificate ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                          : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = security.trusted_ca;
  options.pem_key_cert_pairs.push_back({security.private_key, security.certificate_chain});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const TransportSecurity& security) {
  if (security.plaintext) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = security.trusted_ca;
  options.pem_private_key = security.private_key;
  options.pem_cert_chain = security.certificate_chain;
  return grpc::SslCredentials(options);
}

}  // namespace osteoflow

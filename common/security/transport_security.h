#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace osteoflow {

// How a process talks on the network: TLS with its own certificate, trusting
// one CA (the suite's), or plaintext when explicitly asked for (local
// development only).
struct TransportSecurity {
  bool plaintext = true;
  // PEM: this process's certificate chain and key (served, and presented to
  // peers it calls), and the CA that issues the suite's certificates (checks
  // the certificates of servers it calls and of clients calling it).
  std::string certificate_chain;
  std::string private_key;
  std::string trusted_ca;
  // Mutual TLS: a caller without a certificate from the CA cannot connect.
  // "optional" verifies a certificate a caller presents but admits callers
  // without one (they authenticate with a bearer token instead).
  bool require_client_certificate = true;
};

// For a service: TLS unless --plaintext; with TLS, the certificate, key and
// CA files must be readable. Errors start with the setting's name.
absl::StatusOr<TransportSecurity> ServerTransportFromFlags();

// For a client (a tool): TLS when --tls_ca_file is given (with
// --tls_cert_file and --tls_key_file for mutual TLS), plaintext otherwise;
// the server decides which of the two it accepts.
absl::StatusOr<TransportSecurity> ClientTransportFromFlags();

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const TransportSecurity& security);

// Checks the server's certificate against the CA and the name in the address
// dialled; presents this process's certificate when it has one.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const TransportSecurity& security);

}  // namespace osteoflow

#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace osteoflow::testing {

// A certificate and its key, as files and as PEM text.
struct TestIdentity {
  std::string cert_file;
  std::string key_file;
  std::string cert_pem;
  std::string key_pem;
};

// Certificates made with openssl for one test, in a fresh directory: the
// suite's CA; an identity it issued for 127.0.0.1 and localhost (servers and
// their clients; its DNS name and common name are kTestServiceName); one for a caller outside the
// suite (a platform team's client); one for another host name only; and an
// identity from an unrelated CA.
inline constexpr char kTestServiceName[] = "osteoflow-service";
struct TestCertificates {
  std::string ca_file;
  std::string ca_pem;
  TestIdentity service;
  TestIdentity client;
  TestIdentity wrong_host;
  TestIdentity stranger;
};

absl::StatusOr<TestCertificates> MakeTestCertificates();

// The arguments that make a service serve mutual TLS with `identity`.
std::vector<std::string> TlsArgs(const TestCertificates& certificates, const TestIdentity& identity);

}  // namespace osteoflow::testing

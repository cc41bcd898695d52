#include "tests/support/test_certificates.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {
namespace {

// Runs openssl with `args`; its output is kept for the error.
absl::Status OpenSsl(const std::vector<std::string>& args) {
  absl::StatusOr<ProcessResult> result = RunToExit("/usr/bin/openssl", args, {}, absl::Seconds(30));
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::InternalError(absl::StrCat("openssl ", absl::StrJoin(args, " "), ": ", result->output));
  }
  return absl::OkStatus();
}

// A P-256 key and a certificate for `name` with `san`, signed by the CA in
// `ca_stem` (.pem/.key).
absl::StatusOr<TestIdentity> Issue(const std::string& dir, const std::string& stem, const std::string& name,
                                   const std::string& san, const std::string& ca_stem) {
  TestIdentity identity{absl::StrCat(dir, "/", stem, ".pem"), absl::StrCat(dir, "/", stem, ".key"), "", ""};
  const std::string csr = absl::StrCat(dir, "/", stem, ".csr");
  const std::string extensions = absl::StrCat(dir, "/", stem, ".ext");
  std::ofstream(extensions) << "subjectAltName=" << san << "\n";
  if (absl::Status made = OpenSsl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                     "-nodes", "-keyout", identity.key_file, "-out", csr, "-subj", "/CN=" + name});
      !made.ok()) {
    return made;
  }
  if (absl::Status signed_ok =
          OpenSsl({"x509", "-req", "-in", csr, "-CA", ca_stem + ".pem", "-CAkey", ca_stem + ".key",
                   "-CAcreateserial", "-days", "2", "-out", identity.cert_file, "-extfile", extensions});
      !signed_ok.ok()) {
    return signed_ok;
  }
  identity.cert_pem = ReadFile(identity.cert_file);
  identity.key_pem = ReadFile(identity.key_file);
  return identity;
}

absl::Status MakeCa(const std::string& stem, const std::string& name) {
  return OpenSsl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                  stem + ".key", "-out", stem + ".pem", "-days", "2", "-subj", "/CN=" + name});
}

}  // namespace

absl::StatusOr<TestCertificates> MakeTestCertificates() {
  const std::string dir = NewTempPath("certificates");
  // The path was reserved as a file: a directory takes its place.
  std::error_code error;
  std::filesystem::remove(dir, error);
  if (!std::filesystem::create_directories(dir, error)) {
    return absl::InternalError(absl::StrCat("cannot make ", dir, ": ", error.message()));
  }
  const std::string ca = absl::StrCat(dir, "/ca");
  const std::string other_ca = absl::StrCat(dir, "/other-ca");
  if (absl::Status made = MakeCa(ca, "osteoflow test CA"); !made.ok()) return made;
  if (absl::Status made = MakeCa(other_ca, "another CA"); !made.ok()) return made;
  TestCertificates certificates;
  certificates.ca_file = ca + ".pem";
  certificates.ca_pem = ReadFile(certificates.ca_file);
  absl::StatusOr<TestIdentity> service = Issue(dir, "service", kTestServiceName, absl::StrCat("DNS:", kTestServiceName, ",DNS:localhost,IP:127.0.0.1"), ca);
  if (!service.ok()) return service.status();
  absl::StatusOr<TestIdentity> client = Issue(dir, "client", "platform-client", "DNS:platform-client", ca);
  if (!client.ok()) return client.status();
  certificates.client = *std::move(client);
  absl::StatusOr<TestIdentity> wrong_host = Issue(dir, "wrong-host", "elsewhere", "DNS:elsewhere.example", ca);
  if (!wrong_host.ok()) return wrong_host.status();
  absl::StatusOr<TestIdentity> stranger = Issue(dir, "stranger", "stranger", "DNS:localhost,IP:127.0.0.1", other_ca);
  if (!stranger.ok()) return stranger.status();
  certificates.service = *std::move(service);
  certificates.wrong_host = *std::move(wrong_host);
  certificates.stranger = *std::move(stranger);
  return certificates;
}

std::vector<std::string> TlsArgs(const TestCertificates& certificates, const TestIdentity& identity) {
  return {"--plaintext=false", "--tls_cert_file=" + identity.cert_file, "--tls_key_file=" + identity.key_file,
          "--tls_ca_file=" + certificates.ca_file};
}

}  // namespace osteoflow::testing

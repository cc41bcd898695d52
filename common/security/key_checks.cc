#include "common/security/key_checks.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace osteoflow {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Certificate = std::unique_ptr<X509, X509Free>;

Bio Reading(const std::string& pem) { return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))); }

}  // namespace

absl::Status CheckKeyMatchesCertificate(const std::string& certificate_pem, const std::string& key_pem,
                                        absl::string_view key_setting) {
  Bio certificate_text = Reading(certificate_pem);
  Certificate certificate(PEM_read_bio_X509(certificate_text.get(), nullptr, nullptr, nullptr));
  Bio key_text = Reading(key_pem);
  Key key(PEM_read_bio_PrivateKey(key_text.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) return absl::InvalidArgumentError(absl::StrCat(key_setting, ": not a PEM private key"));
  if (certificate == nullptr || X509_check_private_key(certificate.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(key_setting, ": not the private key of the certificate"));
  }
  return absl::OkStatus();
}

absl::Status CheckTokenKey(const std::string& public_key_pem, absl::string_view algorithm,
                           absl::string_view setting, absl::string_view which) {
  Bio text = Reading(public_key_pem);
  Key key(PEM_read_bio_PUBKEY(text.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(setting, ": ", which, " is not a readable PEM public key"));
  }
  if (algorithm == "ES256") {
    char group[64] = {0};
    size_t length = 0;
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC ||
        EVP_PKEY_get_group_name(key.get(), group, sizeof(group), &length) != 1 ||
        absl::string_view(group, length) != "prime256v1") {
      return absl::InvalidArgumentError(absl::StrCat(setting, ": ", which, " is not a P-256 EC key, as ES256 needs"));
    }
  } else if (algorithm == "RS256") {
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA || EVP_PKEY_get_bits(key.get()) < 2048) {
      return absl::InvalidArgumentError(
          absl::StrCat(setting, ": ", which, " is not an RSA key of 2048 bits or more, as RS256 needs"));
    }
  }
  return absl::OkStatus();
}

}  // namespace osteoflow

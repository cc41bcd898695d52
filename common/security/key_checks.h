#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Keys checked at start, so that a key that cannot work stops the process
// naming its setting instead of failing every handshake or every token.
namespace osteoflow {

// OK when `key_pem` is the private key of the first certificate in
// `certificate_pem`; INVALID_ARGUMENT naming `key_setting` otherwise.
absl::Status CheckKeyMatchesCertificate(const std::string& certificate_pem, const std::string& key_pem,
                                        absl::string_view key_setting);

// OK when `public_key_pem` is a public key that can verify `algorithm`
// signatures: ES256 an EC key on P-256, RS256 an RSA key of at least 2048
// bits. INVALID_ARGUMENT naming `setting` and `which` (the file) otherwise.
absl::Status CheckTokenKey(const std::string& public_key_pem, absl::string_view algorithm,
                           absl::string_view setting, absl::string_view which);

}  // namespace osteoflow

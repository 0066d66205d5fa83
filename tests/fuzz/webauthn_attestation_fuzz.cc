// libFuzzer target: hostile bytes into the WebAuthn attestation object
// parser and statement verifier (none, packed self and x5c: libcbor, COSE
// keys, DER certificates), and into the registration ceremony.
//
// An object that verifies always carries a credential whose key loads on its
// own, and its format is one of the two we accept.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/webauthn.h"

namespace wa = gh::crypto::webauthn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string hash(32, '\x5a');
  auto att = wa::ParseAndVerifyAttestation(input, hash);
  if (att.ok()) {
    if (!att->auth_data.credential) std::abort();
    if (!wa::CheckCoseKey(att->auth_data.credential->cose_key).ok()) std::abort();
    if (att->fmt != "none" && att->fmt != "packed") std::abort();
  }
  wa::Expectations e;
  e.challenge = "fuzz";
  e.rp_id = "example.com";
  e.origins = {"https://example.com"};
  const std::string cd =
      "{\"type\":\"webauthn.create\",\"challenge\":\"ZnV6eg\",\"origin\":\"https://example.com\"}";
  auto reg = wa::VerifyRegistration(cd, input, e);
  if (reg.ok() && reg->credential_id.empty()) std::abort();
  // The client data parser with the input as JSON.
  (void)wa::ParseClientData(input);
  return 0;
}

// libFuzzer target: hostile bytes into KeyRing::Verify.
//
// The ring holds one key of every algorithm under short fixed kids ("hs",
// "es", "rs", "ed") so the fuzzer can reach each verification path. HS256
// signs, which is deterministic, so input that has no '.' is also signed as a
// claims payload and verified: that drives the claims scanner, which a
// fuzzer could otherwise never reach behind a valid signature.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/hash.h"
#include "crypto/jwt.h"

namespace {

using gh::core::SigningKeyRecord;

SigningKeyRecord Key(std::string_view alg, std::string_view kid) {
  auto key = gh::crypto::GenerateSigningKey(alg, 0);
  if (!key.ok()) std::abort();
  key->kid = std::string(kid);
  return key.value();
}

const gh::crypto::KeyRing& Ring() {
  static const std::shared_ptr<const gh::crypto::KeyRing> ring = [] {
    SigningKeyRecord hs = Key("HS256", "hs");
    hs.private_pem = gh::crypto::Base64UrlEncode(std::string(32, 'k'));  // fixed: reproducible
    SigningKeyRecord es = Key("ES256", "es");
    SigningKeyRecord rs = Key("RS256", "rs");
    SigningKeyRecord ed = Key("EdDSA", "ed");
    es.retired_at = rs.retired_at = ed.retired_at = 1;
    auto r = gh::crypto::KeyRing::Create({hs, es, rs, ed});
    if (!r.ok()) std::abort();
    return r.value();
  }();
  return *ring;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gh::crypto::KeyRing& ring = Ring();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr int64_t kNow = 1'700'000'000;

  auto verified = ring.Verify(input, kNow, 30);
  if (verified.ok() && verified->exp + 30 <= kNow) std::abort();  // expired yet accepted

  if (input.find('.') == std::string_view::npos) {
    auto own = ring.Verify(ring.Sign(input), kNow);
    // Whatever passes must come back byte for byte.
    if (own.ok() && own->payload_json != input) std::abort();
  }
  return 0;
}

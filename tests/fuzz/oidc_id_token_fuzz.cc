// libFuzzer target: hostile bytes into the JWKS parser and ID token
// verification (oauth::JwkSet::Parse, oauth::VerifyIdToken).
//
// The input is parsed as a JWKS document, and verified as an ID token against
// a fixed set of one RSA and one EC key. Input without a '.' is also signed
// (RS256 with PKCS#1 v1.5 is deterministic) as a claims payload and verified,
// which drives the claims checks that a fuzzer could never reach behind a
// valid signature otherwise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "oauth/id_token.h"
#include "oauth/jwks.h"

namespace {

using gh::crypto::JwsAlg;

struct Fixture {
  gh::crypto::PkeyPtr rsa;
  gh::oauth::JwkSet set;
};

gh::crypto::PkeyPtr NewKey(JwsAlg alg) {
  std::string private_pem, public_pem, why;
  bool has_private = false;
  if (!gh::crypto::GenerateKeyPairPem(alg, &private_pem, &public_pem)) std::abort();
  auto key = gh::crypto::LoadAsymmetricKey(alg, private_pem, "", &has_private, &why);
  if (!key) std::abort();
  return key;
}

const Fixture& Keys() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture();
    f->rsa = NewKey(JwsAlg::kRS256);
    gh::crypto::PkeyPtr ec = NewKey(JwsAlg::kES256);
    std::string jwks = "{\"keys\":[" + gh::crypto::PublicJwk(JwsAlg::kRS256, f->rsa.get(), "r") +
                       "," + gh::crypto::PublicJwk(JwsAlg::kES256, ec.get(), "e") + "]}";
    auto set = gh::oauth::JwkSet::Parse(jwks);
    if (!set.ok() || set->size() != 2) std::abort();
    f->set = std::move(set.value());
    return f;
  }();
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& keys = Keys();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr int64_t kNow = 1'700'000'000;

  auto parsed = gh::oauth::JwkSet::Parse(input);
  if (parsed.ok() && parsed->size() == 0) std::abort();  // "usable keys" means at least one

  gh::oauth::IdTokenCheck check;
  check.issuers = {"https://idp"};
  check.audiences = {"client"};
  check.nonce = "n";
  check.now_seconds = kNow;
  gh::oauth::KeyLookup lookup = [&keys](const gh::crypto::DecodedJws& jws)
      -> gh::core::Result<std::shared_ptr<const gh::crypto::ForeignKey>> {
    if (auto key = keys.set.Find(jws.has_kid, jws.kid)) return key;
    return gh::core::Error(gh::core::errc::kInvalidToken, "unknown kid");
  };
  auto verified = gh::oauth::VerifyIdToken(input, lookup, check);
  if (verified.ok()) std::abort();  // nobody can forge our fixed keys' signatures

  if (input.find('.') == std::string_view::npos) {
    std::string signing_input =
        gh::crypto::Base64UrlEncode(R"({"alg":"RS256","kid":"r"})") + "." +
        gh::crypto::Base64UrlEncode(input);
    std::string sig = gh::crypto::AsymmetricSign(JwsAlg::kRS256, keys.rsa.get(), signing_input);
    auto own = gh::oauth::VerifyIdToken(signing_input + "." + gh::crypto::Base64UrlEncode(sig),
                                        lookup, check);
    if (own.ok()) {
      // Whatever passes must satisfy every check it claims to make.
      const auto& claims = own.value();
      if (gh::oauth::ClaimString(claims, "iss") != "https://idp") std::abort();
      if (gh::oauth::ClaimString(claims, "sub").empty()) std::abort();
      std::string nonce = gh::oauth::ClaimString(claims, "nonce");
      if (nonce != "n" && nonce != gh::crypto::Sha256Hex("n")) std::abort();
      if (!claims.contains("exp") || !claims["exp"].is_number()) std::abort();
    }
  }
  return 0;
}

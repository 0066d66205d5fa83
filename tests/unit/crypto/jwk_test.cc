// JWK parameters -> keys: RSA, P-256 EC, Ed25519 and oct sign and verify
// through a KeyRing; numbers that do not belong together are refused.
#include "crypto/jwk.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto/hash.h"
#include "crypto/jwt.h"
#include "crypto/keys.h"

namespace gh::crypto {
namespace {

using Members = std::map<std::string, std::string>;

std::string Bn(EVP_PKEY* key, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1) << name;
  std::string out(pad > 0 ? pad : BN_num_bytes(bn), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  pad > 0 ? BN_bn2binpad(bn, p, pad) : BN_bn2bin(bn, p);
  BN_free(bn);
  return Base64UrlEncode(out);
}

Members RsaJwk(EVP_PKEY* k) {
  return {{"kty", "RSA"},
          {"n", Bn(k, OSSL_PKEY_PARAM_RSA_N)},
          {"e", Bn(k, OSSL_PKEY_PARAM_RSA_E)},
          {"d", Bn(k, OSSL_PKEY_PARAM_RSA_D)},
          {"p", Bn(k, OSSL_PKEY_PARAM_RSA_FACTOR1)},
          {"q", Bn(k, OSSL_PKEY_PARAM_RSA_FACTOR2)},
          {"dp", Bn(k, OSSL_PKEY_PARAM_RSA_EXPONENT1)},
          {"dq", Bn(k, OSSL_PKEY_PARAM_RSA_EXPONENT2)},
          {"qi", Bn(k, OSSL_PKEY_PARAM_RSA_COEFFICIENT1)}};
}

Members EcJwk(EVP_PKEY* k) {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", Bn(k, OSSL_PKEY_PARAM_EC_PUB_X, 32)},
          {"y", Bn(k, OSSL_PKEY_PARAM_EC_PUB_Y, 32)},
          {"d", Bn(k, OSSL_PKEY_PARAM_PRIV_KEY, 32)}};
}

Members EdJwk(EVP_PKEY* k) {
  unsigned char pub[32], priv[32];
  size_t pl = 32, vl = 32;
  EVP_PKEY_get_raw_public_key(k, pub, &pl);
  EVP_PKEY_get_raw_private_key(k, priv, &vl);
  return {{"kty", "OKP"},
          {"crv", "Ed25519"},
          {"x", Base64UrlEncode(std::string_view(reinterpret_cast<char*>(pub), pl))},
          {"d", Base64UrlEncode(std::string_view(reinterpret_cast<char*>(priv), vl))}};
}

struct Keys {
  PkeyPtr rsa{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})};
  PkeyPtr ec{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  PkeyPtr ec2{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  PkeyPtr ed{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")};
};

Keys& TestKeys() {
  static Keys keys;  // RSA generation is slow: once for the file
  return keys;
}

core::SigningKeyRecord Record(const char* kid, const char* alg, const Members& m, bool priv) {
  auto r = SigningKeyFromJwk(kid, alg, m, priv);
  EXPECT_TRUE(r.ok()) << kid << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : core::SigningKeyRecord{};
}

TEST(Jwk, EachTypeSignsAndEveryKeyVerifies) {
  Keys& k = TestKeys();
  const Members oct = {{"kty", "oct"}, {"k", Base64UrlEncode(std::string(32, 'k'))}};
  const std::vector<std::tuple<const char*, const char*, Members>> cases = {
      {"rsa", "RS256", RsaJwk(k.rsa.get())},
      {"ec", "ES256", EcJwk(k.ec.get())},
      {"ed", "EdDSA", EdJwk(k.ed.get())},
      {"oct", "HS256", oct}};
  std::vector<std::string> tokens;
  for (const auto& [kid, alg, members] : cases) {
    auto signer = KeyRing::Create({Record(kid, alg, members, true)});
    ASSERT_TRUE(signer.ok()) << kid << ": " << signer.error().message;
    EXPECT_EQ((*signer)->active_kid(), kid);
    EXPECT_EQ((*signer)->algorithm(), alg);
    tokens.push_back((*signer)->Sign(R"({"sub":"u","exp":4000000000})"));
  }
  // One ring of all four: the first signs, all verify (asymmetric ones from
  // their public part alone).
  std::vector<core::SigningKeyRecord> ring_keys;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& [kid, alg, members] = cases[i];
    auto r = Record(kid, alg, members, i == 0 || std::string(alg) == "HS256");
    if (i > 0) r.retired_at = 1;
    ring_keys.push_back(r);
  }
  auto ring = KeyRing::Create(ring_keys);
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  EXPECT_EQ((*ring)->active_kid(), "rsa");
  for (const std::string& t : tokens) EXPECT_TRUE((*ring)->Verify(t, 1000).ok()) << t;
  // The JWKS publishes the asymmetric three, never the oct key.
  const std::string& jwks = (*ring)->JwksJson();
  EXPECT_NE(jwks.find("\"kid\":\"ed\""), std::string::npos);
  EXPECT_EQ(jwks.find("\"kid\":\"oct\""), std::string::npos);
}

TEST(Jwk, PublicOnlyKeysVerifyButCannotSign) {
  Members pub = EcJwk(TestKeys().ec.get());
  auto r = Record("pub", "ES256", pub, false);
  EXPECT_TRUE(r.private_pem.empty());
  EXPECT_FALSE(r.public_pem.empty());
  auto ring = KeyRing::Create({r});
  EXPECT_FALSE(ring.ok());  // an active key needs its private part
}

TEST(Jwk, NumbersThatDoNotBelongTogetherAreRefused) {
  Keys& k = TestKeys();
  Members ec = EcJwk(k.ec.get());
  ec["d"] = EcJwk(k.ec2.get())["d"];  // another key's private part
  auto bad_ec = SigningKeyFromJwk("e", "ES256", ec, true);
  ASSERT_FALSE(bad_ec.ok());
  EXPECT_NE(bad_ec.error().message.find("does not belong"), std::string::npos)
      << bad_ec.error().message;

  Members off_curve = EcJwk(k.ec.get());
  off_curve["y"] = Base64UrlEncode(std::string(32, '\x01'));
  EXPECT_FALSE(SigningKeyFromJwk("e", "ES256", off_curve, false).ok());

  Members rsa = RsaJwk(k.rsa.get());
  rsa["d"] = Base64UrlEncode(std::string(256, '\x07'));
  auto bad_rsa = SigningKeyFromJwk("r", "RS256", rsa, true);
  ASSERT_FALSE(bad_rsa.ok());
  EXPECT_NE(bad_rsa.error().message.find("RSA"), std::string::npos);

  Members no_crt = RsaJwk(k.rsa.get());
  no_crt.erase("qi");
  auto partial = SigningKeyFromJwk("r", "RS256", no_crt, true);
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.error().message.find("\"qi\""), std::string::npos);

  Members ed = EdJwk(k.ed.get());
  ed["x"] = EcJwk(k.ec.get())["x"];
  EXPECT_FALSE(SigningKeyFromJwk("d", "EdDSA", ed, true).ok());

  auto short_oct = SigningKeyFromJwk("o", "HS256", {{"k", Base64UrlEncode("short")}}, true);
  ASSERT_FALSE(short_oct.ok());
  EXPECT_NE(short_oct.error().message.find("at least 32"), std::string::npos);
  EXPECT_FALSE(SigningKeyFromJwk("o", "HS256", {{"k", "not base64url!"}}, true).ok());
}

}  // namespace
}  // namespace gh::crypto

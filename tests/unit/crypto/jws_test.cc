#include "crypto/jws.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "crypto/json_scan.h"
#include "crypto/keys.h"

namespace gh::crypto {
namespace {

struct Pair {
  PkeyPtr key;
  JwkFields jwk;
};

// A fresh key and its public JWK's members, read back from PublicJwk.
Pair NewPair(JwsAlg alg, const std::string& kid) {
  std::string private_pem, public_pem, why;
  bool has_private = false;
  EXPECT_TRUE(GenerateKeyPairPem(alg, &private_pem, &public_pem));
  Pair p;
  p.key = LoadAsymmetricKey(alg, private_pem, "", &has_private, &why);
  JsonScan scan;
  EXPECT_TRUE(scan.Parse(PublicJwk(alg, p.key.get(), kid)));
  for (auto [name, field] : {std::pair{"kty", &p.jwk.kty},
                             {"kid", &p.jwk.kid},
                             {"alg", &p.jwk.alg},
                             {"use", &p.jwk.use},
                             {"crv", &p.jwk.crv},
                             {"x", &p.jwk.x},
                             {"y", &p.jwk.y},
                             {"n", &p.jwk.n},
                             {"e", &p.jwk.e}}) {
    scan.GetString(name, field);
  }
  return p;
}

std::string SignedToken(const Pair& p, JwsAlg alg, const std::string& header_json) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(R"({"sub":"a"})");
  return input + "." + Base64UrlEncode(AsymmetricSign(alg, p.key.get(), input));
}

TEST(DecodeCompactJws, SplitsAndNamesTheReasons) {
  auto ok = DecodeCompactJws(Base64UrlEncode(R"({"alg":"RS256","kid":"k"})") + "." +
                             Base64UrlEncode("{}") + ".c2ln");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->alg, JwsAlg::kRS256);
  EXPECT_TRUE(ok->has_kid);
  EXPECT_EQ(ok->kid, "k");
  EXPECT_EQ(ok->payload_json, "{}");
  EXPECT_EQ(ok->signature, "sig");

  auto reason = [](const std::string& token) {
    auto r = DecodeCompactJws(token);
    return r.ok() ? std::string("ok") : r.error().message;
  };
  std::string body = "." + Base64UrlEncode("{}") + ".c2ln";
  EXPECT_EQ(reason(""), "malformed token");
  EXPECT_EQ(reason("a.b.c.d"), "malformed token");
  EXPECT_EQ(reason("YQ==.b.c"), "malformed token");
  EXPECT_EQ(reason(Base64UrlEncode("[1]") + body), "malformed header");
  EXPECT_EQ(reason(Base64UrlEncode(R"({"kid":"k"})") + body), "missing alg");
  EXPECT_EQ(reason(Base64UrlEncode(R"({"alg":"none"})") + body), "unsupported alg");
  EXPECT_EQ(reason(Base64UrlEncode(R"({"alg":"RS256","crit":["x"]})") + body),
            "unsupported crit header");
  EXPECT_EQ(reason(Base64UrlEncode(R"({"alg":"RS256","kid":7})") + body), "malformed kid");
}

TEST(ForeignKey, RsaAndEcKeysVerifyTheirOwnTokensOnly) {
  Pair rsa = NewPair(JwsAlg::kRS256, "r");
  Pair ec = NewPair(JwsAlg::kES256, "e");
  auto rsa_key = ForeignKey::FromJwk(rsa.jwk);
  auto ec_key = ForeignKey::FromJwk(ec.jwk);
  ASSERT_TRUE(rsa_key.ok()) << rsa_key.error().message;
  ASSERT_TRUE(ec_key.ok()) << ec_key.error().message;
  EXPECT_EQ((*rsa_key)->kid(), "r");
  auto rs_token = DecodeCompactJws(SignedToken(rsa, JwsAlg::kRS256, R"({"alg":"RS256"})"));
  auto es_token = DecodeCompactJws(SignedToken(ec, JwsAlg::kES256, R"({"alg":"ES256"})"));
  ASSERT_TRUE(rs_token.ok() && es_token.ok());
  EXPECT_TRUE((*rsa_key)->Verifies(*rs_token));
  EXPECT_TRUE((*ec_key)->Verifies(*es_token));
  EXPECT_FALSE((*rsa_key)->Verifies(*es_token));  // the key decides the algorithm
  EXPECT_FALSE((*ec_key)->Verifies(*rs_token));
}

TEST(ForeignKey, RefusesKeysItCannotUseSafely) {
  Pair rsa = NewPair(JwsAlg::kRS256, "r");
  JwkFields f = rsa.jwk;
  f.use = "enc";
  EXPECT_FALSE(ForeignKey::FromJwk(f).ok());
  f = rsa.jwk;
  f.alg = "RS512";
  EXPECT_FALSE(ForeignKey::FromJwk(f).ok());
  f = rsa.jwk;
  f.n = "not base64url!";
  EXPECT_FALSE(ForeignKey::FromJwk(f).ok());
  f = rsa.jwk;
  f.kty = "oct";
  EXPECT_FALSE(ForeignKey::FromJwk(f).ok());
  Pair ec = NewPair(JwsAlg::kES256, "e");
  f = ec.jwk;
  f.crv = "P-384";
  EXPECT_FALSE(ForeignKey::FromJwk(f).ok());
  f = ec.jwk;
  f.x = Base64UrlEncode(std::string(31, '\x01'));
  EXPECT_FALSE(ForeignKey::FromJwk(f).ok());
}

}  // namespace
}  // namespace gh::crypto

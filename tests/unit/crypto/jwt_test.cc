#include "crypto/jwt.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "crypto/hash.h"
#include "crypto/json_scan.h"
#include "crypto/random.h"

namespace gh::crypto {
namespace {

constexpr int64_t kNow = 1'700'000'000;

core::SigningKeyRecord NewKey(std::string_view alg) {
  auto key = GenerateSigningKey(alg, kNow * 1000);
  EXPECT_TRUE(key.ok()) << (key.ok() ? "" : key.error().message);
  return key.ok() ? key.value() : core::SigningKeyRecord{};
}

std::shared_ptr<const KeyRing> Ring(std::vector<core::SigningKeyRecord> keys) {
  auto ring = KeyRing::Create(keys);
  EXPECT_TRUE(ring.ok()) << (ring.ok() ? "" : ring.error().message);
  return ring.ok() ? ring.value() : nullptr;
}

std::string Claims(int64_t exp, std::string_view extra = "") {
  return R"({"sub":"user-1","iat":)" + std::to_string(kNow) + R"(,"exp":)" + std::to_string(exp) +
         std::string(extra) + "}";
}

std::vector<std::string> Split(const std::string& token) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::string Decode(const std::string& part) {
  std::string out;
  EXPECT_TRUE(Base64UrlDecode(part, &out)) << part;
  return out;
}

std::string Reason(const core::Result<VerifiedJwt>& r) { return r.ok() ? "ok" : r.error().message; }

class JwtAlgTest : public ::testing::TestWithParam<const char*> {};

TEST_P(JwtAlgTest, SignsAndVerifies) {
  core::SigningKeyRecord key = NewKey(GetParam());
  EXPECT_EQ(key.algorithm, GetParam());
  EXPECT_GE(key.kid.size(), 16u);
  auto ring = Ring({key});
  ASSERT_TRUE(ring);
  EXPECT_EQ(ring->active_kid(), key.kid);
  EXPECT_EQ(ring->algorithm(), GetParam());

  const std::string claims =
      Claims(kNow + 900, R"(,"roles":["user"],"nbf":)" + std::to_string(kNow - 1));
  std::string token = ring->Sign(claims);
  auto parts = Split(token);
  ASSERT_EQ(parts.size(), 3u) << token;
  EXPECT_EQ(Decode(parts[0]), R"({"alg":")" + std::string(GetParam()) + R"(","typ":"JWT","kid":")" +
                                  key.kid + R"("})");
  EXPECT_EQ(Decode(parts[1]), claims);

  auto verified = ring->Verify(token, kNow);
  ASSERT_TRUE(verified.ok()) << Reason(verified);
  EXPECT_EQ(verified->payload_json, claims);
  EXPECT_EQ(verified->kid, key.kid);
  EXPECT_EQ(verified->sub, "user-1");
  EXPECT_EQ(verified->exp, kNow + 900);
  EXPECT_EQ(verified->iat, kNow);
}

TEST_P(JwtAlgTest, RejectsTampering) {
  auto ring = Ring({NewKey(GetParam())});
  ASSERT_TRUE(ring);
  std::string token = ring->Sign(Claims(kNow + 900));
  auto parts = Split(token);

  // Another payload under the original signature.
  std::string forged = parts[0] + "." + Base64UrlEncode(Claims(kNow + 99999)) + "." + parts[2];
  EXPECT_EQ(Reason(ring->Verify(forged, kNow)), "bad signature");

  // One flipped bit anywhere in the signature.
  std::string sig = Decode(parts[2]);
  for (size_t i = 0; i < sig.size(); i += 7) {
    std::string bad = sig;
    bad[i] ^= 0x01;
    EXPECT_FALSE(ring->Verify(parts[0] + "." + parts[1] + "." + Base64UrlEncode(bad), kNow).ok());
  }
  // Truncated, extended and empty signatures.
  EXPECT_FALSE(
      ring->Verify(parts[0] + "." + parts[1] + "." + Base64UrlEncode(sig.substr(0, sig.size() - 1)),
                   kNow)
          .ok());
  EXPECT_FALSE(
      ring->Verify(parts[0] + "." + parts[1] + "." + Base64UrlEncode(sig + "x"), kNow).ok());
  EXPECT_FALSE(ring->Verify(parts[0] + "." + parts[1] + ".", kNow).ok());
  // Same bytes, non-canonical base64url (set the unused low bits).
  std::string sig_b64 = parts[2];
  if (sig_b64.size() % 4 != 0) {
    char& last = sig_b64.back();
    last = last == 'A' ? 'B' : last == 'Q' ? 'R' : last == 'g' ? 'h' : last == 'w' ? 'x' : last;
    if (sig_b64 != parts[2]) {
      EXPECT_EQ(Reason(ring->Verify(parts[0] + "." + parts[1] + "." + sig_b64, kNow)),
                "malformed token");
    }
  }
}

TEST_P(JwtAlgTest, RejectsAlgNone) {
  core::SigningKeyRecord key = NewKey(GetParam());
  auto ring = Ring({key});
  ASSERT_TRUE(ring);
  std::string payload = Base64UrlEncode(Claims(kNow + 900));
  for (const char* alg : {"none", "None", "NONE", ""}) {
    for (const std::string& kid : {std::string(), ",\"kid\":\"" + key.kid + "\""}) {
      std::string header = Base64UrlEncode("{\"alg\":\"" + std::string(alg) + "\"" + kid + "}");
      EXPECT_EQ(Reason(ring->Verify(header + "." + payload + ".", kNow)), "unsupported alg");
      // Even with the real signature attached.
      std::string real = Split(ring->Sign(Claims(kNow + 900)))[2];
      EXPECT_FALSE(ring->Verify(header + "." + payload + "." + real, kNow).ok());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, JwtAlgTest,
                         ::testing::Values("ES256", "RS256", "EdDSA", "HS256"));

TEST(JwtTest, Es256SignatureIsJoseRawNotDer) {
  auto ring = Ring({NewKey("ES256")});
  ASSERT_TRUE(ring);
  for (int i = 0; i < 20; ++i) {  // DER length varies; raw R||S is always 64
    EXPECT_EQ(Decode(Split(ring->Sign(Claims(kNow + i)))[2]).size(), 64u);
  }
}

TEST(JwtTest, SignatureSizes) {
  auto size_of = [](const char* alg) {
    auto ring = Ring({NewKey(alg)});
    return ring ? Decode(Split(ring->Sign(Claims(kNow + 1)))[2]).size() : 0;
  };
  EXPECT_EQ(size_of("RS256"), 256u);
  EXPECT_EQ(size_of("EdDSA"), 64u);
  EXPECT_EQ(size_of("HS256"), 32u);
}

// An HS256 token whose "secret" is the ES256 public key: a verifier that let
// the token pick the algorithm would accept it.
TEST(JwtTest, RejectsAlgorithmConfusion) {
  core::SigningKeyRecord es = NewKey("ES256");
  auto ring = Ring({es});
  ASSERT_TRUE(ring);
  std::string payload = Base64UrlEncode(Claims(kNow + 900));
  for (const std::string& header_json : {R"({"alg":"HS256","typ":"JWT","kid":")" + es.kid + R"("})",
                                         std::string(R"({"alg":"HS256","typ":"JWT"})")}) {
    std::string input = Base64UrlEncode(header_json) + "." + payload;
    for (const std::string& secret : {es.public_pem, ring->JwksJson()}) {
      std::string token = input + "." + Base64UrlEncode(HmacSha256(secret, input));
      EXPECT_EQ(Reason(ring->Verify(token, kNow)), "alg does not match key");
    }
  }
  // A real HS256 token from another ring.
  auto hs = Ring({NewKey("HS256")});
  ASSERT_TRUE(hs);
  EXPECT_EQ(Reason(ring->Verify(hs->Sign(Claims(kNow + 900)), kNow)), "unknown kid");
  // Declaring the right family but another algorithm fails too.
  std::string rs_header = Base64UrlEncode(R"({"alg":"RS256","kid":")" + es.kid + R"("})");
  EXPECT_EQ(Reason(ring->Verify(rs_header + "." + payload + ".AAAA", kNow)),
            "alg does not match key");
}

TEST(JwtTest, KidSelectsKeyAndMissingKidMeansActive) {
  core::SigningKeyRecord key = NewKey("HS256");
  auto ring = Ring({key});
  ASSERT_TRUE(ring);
  std::string secret;
  ASSERT_TRUE(Base64UrlDecode(key.private_pem, &secret));
  std::string input =
      Base64UrlEncode(R"({"alg":"HS256"})") + "." + Base64UrlEncode(Claims(kNow + 60));
  auto verified = ring->Verify(input + "." + Base64UrlEncode(HmacSha256(secret, input)), kNow);
  ASSERT_TRUE(verified.ok()) << Reason(verified);
  EXPECT_EQ(verified->kid, key.kid);

  std::string other =
      Base64UrlEncode(R"({"alg":"HS256","kid":"nope"})") + "." + Base64UrlEncode(Claims(kNow + 60));
  EXPECT_EQ(Reason(ring->Verify(other + "." + Base64UrlEncode(HmacSha256(secret, other)), kNow)),
            "unknown kid");
  std::string numeric_kid =
      Base64UrlEncode(R"({"alg":"HS256","kid":1})") + "." + Base64UrlEncode(Claims(kNow + 60));
  EXPECT_FALSE(
      ring->Verify(numeric_kid + "." + Base64UrlEncode(HmacSha256(secret, numeric_kid)), kNow)
          .ok());
  std::string crit = Base64UrlEncode(R"({"alg":"HS256","crit":["exp"],"exp":1})") + "." +
                     Base64UrlEncode(Claims(kNow + 60));
  EXPECT_EQ(Reason(ring->Verify(crit + "." + Base64UrlEncode(HmacSha256(secret, crit)), kNow)),
            "unsupported crit header");
}

TEST(JwtTest, ChecksExpiryAndNotBefore) {
  core::SigningKeyRecord key = NewKey("HS256");
  auto ring = Ring({key});
  ASSERT_TRUE(ring);
  std::string expired = ring->Sign(Claims(kNow - 10));
  EXPECT_EQ(Reason(ring->Verify(expired, kNow)), "token expired");
  EXPECT_EQ(Reason(ring->Verify(expired, kNow, 10)), "token expired");
  EXPECT_TRUE(ring->Verify(expired, kNow, 11).ok());
  EXPECT_TRUE(ring->Verify(expired, kNow, 60).ok());
  EXPECT_EQ(Reason(ring->Verify(ring->Sign(Claims(kNow)), kNow)), "token expired");
  EXPECT_TRUE(ring->Verify(ring->Sign(Claims(kNow + 1)), kNow).ok());
  EXPECT_EQ(Reason(ring->Verify(expired, kNow, -100)), "token expired");  // treated as 0

  std::string early = ring->Sign(Claims(kNow + 900, R"(,"nbf":)" + std::to_string(kNow + 30)));
  EXPECT_EQ(Reason(ring->Verify(early, kNow)), "token not yet valid");
  EXPECT_TRUE(ring->Verify(early, kNow, 30).ok());
  EXPECT_TRUE(ring->Verify(early, kNow + 30).ok());

  // Claims that must be numbers / strings.
  EXPECT_EQ(Reason(ring->Verify(ring->Sign(R"({"sub":"u"})"), kNow)), "missing or invalid exp");
  EXPECT_EQ(Reason(ring->Verify(ring->Sign(R"({"exp":"9999999999"})"), kNow)),
            "missing or invalid exp");
  EXPECT_EQ(Reason(ring->Verify(ring->Sign(Claims(kNow + 9, R"(,"nbf":"x")")), kNow)),
            "invalid nbf");
  EXPECT_EQ(Reason(ring->Verify(ring->Sign(R"({"exp":9999999999,"sub":5})"), kNow)), "invalid sub");
  EXPECT_EQ(Reason(ring->Verify(ring->Sign(R"({"exp":9999999999,"exp":1})"), kNow)),
            "malformed claims");
  EXPECT_EQ(Reason(ring->Verify(ring->Sign("[1]"), kNow)), "malformed claims");
  // Fractional NumericDate and extreme values do not overflow.
  EXPECT_TRUE(ring->Verify(ring->Sign(R"({"exp":1700000100.5})"), kNow).ok());
  EXPECT_TRUE(ring->Verify(ring->Sign(R"({"exp":9223372036854775807})"), kNow, INT64_MAX).ok());
  EXPECT_EQ(
      Reason(ring->Verify(ring->Sign(R"({"exp":-9223372036854775808})"), INT64_MAX, INT64_MAX)),
      "token expired");
  EXPECT_TRUE(ring->Verify(ring->Sign(R"({"exp":9223372036854775807,"nbf":9223372036854775807})"),
                           INT64_MAX - 1, 5)
                  .ok());
}

TEST(JwtTest, RotatedRingVerifiesOldTokensAndSignsWithNewKey) {
  core::SigningKeyRecord old_key = NewKey("ES256");
  auto old_ring = Ring({old_key});
  ASSERT_TRUE(old_ring);
  std::string old_token = old_ring->Sign(Claims(kNow + 900));

  core::SigningKeyRecord new_key = NewKey("EdDSA");
  old_key.retired_at = kNow * 1000;
  auto ring = Ring({new_key, old_key});
  ASSERT_TRUE(ring);
  EXPECT_EQ(ring->active_kid(), new_key.kid);
  EXPECT_EQ(ring->algorithm(), "EdDSA");

  auto verified = ring->Verify(old_token, kNow);
  ASSERT_TRUE(verified.ok()) << Reason(verified);
  EXPECT_EQ(verified->kid, old_key.kid);
  std::string new_token = ring->Sign(Claims(kNow + 900));
  EXPECT_NE(Decode(Split(new_token)[0]).find(new_key.kid), std::string::npos);
  auto fresh = ring->Verify(new_token, kNow);
  ASSERT_TRUE(fresh.ok()) << Reason(fresh);
  EXPECT_EQ(fresh->kid, new_key.kid);
  EXPECT_EQ(Reason(old_ring->Verify(new_token, kNow)), "unknown kid");

  // Order: the first key without retired_at signs, wherever it is.
  auto reordered = Ring({old_key, new_key});
  ASSERT_TRUE(reordered);
  EXPECT_EQ(reordered->active_kid(), new_key.kid);
}

TEST(JwtTest, JwksPublishesAsymmetricKeysOnly) {
  core::SigningKeyRecord es = NewKey("ES256");
  core::SigningKeyRecord rs = NewKey("RS256");
  core::SigningKeyRecord ed = NewKey("EdDSA");
  core::SigningKeyRecord hs = NewKey("HS256");
  rs.retired_at = ed.retired_at = hs.retired_at = kNow * 1000;
  auto ring = Ring({es, rs, hs, ed});
  ASSERT_TRUE(ring);
  const std::string& jwks = ring->JwksJson();
  JsonScan scan;
  ASSERT_TRUE(scan.Parse(jwks)) << jwks;
  JsonScan::Type type;
  ASSERT_TRUE(scan.GetType("keys", &type));
  EXPECT_EQ(type, JsonScan::Type::kArray);

  for (const auto& k : {es, rs, ed}) EXPECT_NE(jwks.find(k.kid), std::string::npos) << k.kid;
  EXPECT_EQ(jwks.find(hs.kid), std::string::npos);
  EXPECT_EQ(jwks.find(hs.private_pem), std::string::npos);
  EXPECT_EQ(jwks.find("\"d\""), std::string::npos);  // no private parts
  EXPECT_EQ(jwks.find("HS256"), std::string::npos);
  EXPECT_NE(jwks.find(R"("kty":"EC","crv":"P-256","x":")"), std::string::npos);
  EXPECT_NE(jwks.find(R"("kty":"RSA","n":")"), std::string::npos);
  EXPECT_NE(jwks.find(R"("e":"AQAB","kid":")" + rs.kid + R"(","alg":"RS256","use":"sig"})"),
            std::string::npos);
  EXPECT_NE(jwks.find(R"("kty":"OKP","crv":"Ed25519","x":")"), std::string::npos);
  EXPECT_NE(jwks.find(R"("kid":")" + es.kid + R"(","alg":"ES256","use":"sig"})"),
            std::string::npos);

  hs.retired_at.reset();
  auto only_hs = Ring({hs});
  ASSERT_TRUE(only_hs);
  EXPECT_EQ(only_hs->JwksJson(), R"({"keys":[]})");
}

}  // namespace
}  // namespace gh::crypto

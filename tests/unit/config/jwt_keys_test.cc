// The shape of jwt_keys (GOTRUE_JWT_KEYS): which key signs, what is refused.
// The keys' numbers are checked in crypto (jwk_test.cc) and the ring in app.
#include "config/jwt_keys.h"

#include <gtest/gtest.h>

#include "config/settings.h"

namespace gh::config {
namespace {

const std::string kEcPublic =
    R"({"kty":"EC","kid":"ec-old","crv":"P-256","x":"AAAA","y":"BBBB","key_ops":["verify"]})";
const std::string kEcPrivate =
    R"({"kty":"EC","kid":"ec-new","crv":"P-256","x":"AAAA","y":"BBBB","d":"CCCC","alg":"ES256","key_ops":["sign","verify"]})";
const std::string kOct = R"({"kty":"oct","kid":"legacy","k":"c2VjcmV0","key_ops":["verify"]})";

std::string Error(const std::string& json) {
  auto r = ParseJwtKeys(json);
  EXPECT_FALSE(r.ok()) << json;
  return r.ok() ? "" : r.error().message;
}

TEST(JwtKeys, TheFirstPrivateSigningKeySigns) {
  auto keys = ParseJwtKeys("[" + kEcPublic + "," + kOct + "," + kEcPrivate + "]");
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_FALSE((*keys)[0].signs);  // public only
  EXPECT_FALSE((*keys)[1].signs);  // key_ops verify only
  EXPECT_TRUE((*keys)[2].signs);
  EXPECT_EQ((*keys)[2].alg, "ES256");
  EXPECT_EQ((*keys)[1].alg, "HS256");
  EXPECT_EQ((*keys)[2].members.at("d"), "CCCC");
  // Without key_ops a private key may sign: the first such wins.
  auto two = ParseJwtKeys(
      R"([{"kty":"oct","kid":"a","k":"x"},{"kty":"RSA","kid":"b","n":"n","e":"AQAB","d":"d"}])");
  ASSERT_TRUE(two.ok());
  EXPECT_TRUE((*two)[0].signs);
  EXPECT_FALSE((*two)[1].signs);
  EXPECT_EQ((*two)[1].alg, "RS256");
}

TEST(JwtKeys, RefusalsNameTheKeyAndWhy) {
  EXPECT_NE(Error("{}").find("not a JSON array"), std::string::npos);
  EXPECT_NE(Error("[]").find("no key"), std::string::npos);
  EXPECT_NE(Error("[" + kEcPublic + "]").find("no key can sign"), std::string::npos);
  EXPECT_NE(Error(R"([{"kty":"RSA","kid":"r","n":"n","e":"e","d":"d","alg":"RS512"}])")
                .find("key 1 (kid \"r\"): alg \"RS512\" is not supported"),
            std::string::npos);
  EXPECT_NE(
      Error(R"([{"kty":"EC","kid":"e","crv":"P-384","x":"a","y":"b","d":"c"}])").find("P-384"),
      std::string::npos);
  EXPECT_NE(Error(R"([{"kty":"EC","kid":"e","crv":"P-256","x":"a","d":"c"}])").find("\"y\""),
            std::string::npos);
  EXPECT_NE(Error(R"([{"kty":"oct","k":"x"}])").find("kid is missing"), std::string::npos);
  EXPECT_NE(Error("[" + kEcPrivate + "," + kEcPrivate + "]").find("key 2"), std::string::npos);
  EXPECT_NE(Error(R"([{"kty":"oct","kid":"a","k":"x","use":"enc"}])").find("use \"enc\""),
            std::string::npos);
  EXPECT_NE(Error(R"([{"kty":"XYZ","kid":"a"}])").find("kty \"XYZ\""), std::string::npos);
  EXPECT_NE(Error("[1]").find("key 1: not a JSON object"), std::string::npos);
}

TEST(JwtKeys, LoadSetsTheAlgorithmAndReportsBadKeys) {
  auto c = Load({{"GOTRUE_JWT_KEYS", "[" + kEcPrivate + "]"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->jwt_algorithm, "ES256");
  // With a secret too, the JWKs still sign; the secret must still be long enough.
  auto both = Load(
      {{"GOTRUE_JWT_KEYS", "[" + kEcPrivate + "]"}, {"GOTRUE_JWT_SECRET", std::string(32, 's')}});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->jwt_algorithm, "ES256");
  EXPECT_FALSE(
      Load({{"GOTRUE_JWT_KEYS", "[" + kEcPrivate + "]"}, {"GOTRUE_JWT_SECRET", "short"}}).ok());
  auto bad = Load({{"GOTRUE_JWT_KEYS", "[" + kEcPublic + "]"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("jwt_keys: no key can sign"), std::string::npos);
}

}  // namespace
}  // namespace gh::config

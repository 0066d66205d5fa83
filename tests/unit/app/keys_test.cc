// The ring jwt_keys and jwt_secret describe: the signing JWK first, every key
// verifying, the secret's key verify-only beside JWKs, bad keys named.
#include "app/keys.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace gh::app {
namespace {

std::string Oct(const std::string& kid, const std::string& secret, const char* ops) {
  return R"({"kty":"oct","kid":")" + kid + R"(","k":")" + crypto::Base64UrlEncode(secret) +
         R"(","key_ops":)" + ops + "}";
}

const std::string kA(32, 'a'), kB(32, 'b'), kSecret(40, 's');
constexpr const char* kClaims = R"({"sub":"u","exp":4000000000})";

std::shared_ptr<const crypto::KeyRing> Ring(const config::Config& c) {
  auto r = ConfiguredKeyRing(c, 1000);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : nullptr;
}

TEST(ConfiguredKeyRing, TheSigningJwkSignsAndEveryKeyVerifies) {
  config::Config only_a, only_secret, both;
  only_a.jwt_keys = "[" + Oct("a", kA, R"(["sign"])") + "]";
  only_secret.jwt_secret = kSecret;
  both.jwt_keys =
      "[" + Oct("a", kA, R"(["verify"])") + "," + Oct("b", kB, R"(["sign","verify"])") + "]";
  both.jwt_secret = kSecret;
  auto ring = Ring(both);
  ASSERT_TRUE(ring);
  EXPECT_EQ(ring->active_kid(), "b");
  EXPECT_EQ(ring->algorithm(), "HS256");
  for (const auto& other : {Ring(only_a), Ring(only_secret)}) {
    ASSERT_TRUE(other);
    EXPECT_TRUE(ring->Verify(other->Sign(kClaims), 1000).ok()) << other->active_kid();
  }
  EXPECT_TRUE(ring->Verify(ring->Sign(kClaims), 1000).ok());
  // The secret alone signs, as before.
  EXPECT_EQ(Ring(only_secret)->active_kid(), crypto::Sha256Hex(kSecret).substr(0, 16));
}

TEST(ConfiguredKeyRing, BadKeysAreNamed) {
  config::Config c;
  c.jwt_keys =
      "[" + Oct("a", kA, R"(["sign"])") + "," + Oct("short", "12345", R"(["verify"])") + "]";
  auto r = ConfiguredKeyRing(c, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("jwt_keys: key 2 (kid \"short\"): oct key: k is 5 bytes"),
            std::string::npos)
      << r.error().message;
  c.jwt_keys = "not json";
  EXPECT_FALSE(ConfiguredKeyRing(c, 1000).ok());
}

}  // namespace
}  // namespace gh::app

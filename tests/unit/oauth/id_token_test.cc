#include "oauth/id_token.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "notify/fake_http_server.h"
#include "oauth/jwks.h"
#include "test_keys.h"

namespace gh::oauth {
namespace {

using crypto::JwsAlg;
using gh::testing::FakeHttpServer;
using gh::testing::FakeRequest;
using gh::testing::FakeResponse;
using gh::testing::JwksOf;
using gh::testing::MakeTestKey;
using gh::testing::TestKey;
using nlohmann::json;

constexpr int64_t kNow = 1'700'000'000;

class IdTokenTest : public ::testing::Test {
 protected:
  IdTokenTest()
      : rsa_(MakeTestKey(JwsAlg::kRS256, "rsa-1")), ec_(MakeTestKey(JwsAlg::kES256, "ec-1")) {
    auto set = JwkSet::Parse(JwksOf({&rsa_, &ec_}));
    EXPECT_TRUE(set.ok());
    set_ = std::move(set.value());
    check_.issuers = {"https://idp.example"};
    check_.audiences = {"client-1", "ios-app"};
    check_.nonce = "n0nce";
    check_.now_seconds = kNow;
  }

  json Claims() const {
    return {{"iss", "https://idp.example"},
            {"aud", "client-1"},
            {"sub", "u-42"},
            {"exp", kNow + 600},
            {"iat", kNow},
            {"nonce", "n0nce"},
            {"email", "A@Example.com"}};
  }

  core::Result<json> Verify(const std::string& token) {
    KeyLookup lookup = [this](const crypto::DecodedJws& jws)
        -> core::Result<std::shared_ptr<const crypto::ForeignKey>> {
      if (auto key = set_.Find(jws.has_kid, jws.kid)) return key;
      return core::Error(core::errc::kInvalidToken, "unknown kid");
    };
    return VerifyIdToken(token, lookup, check_);
  }

  std::string Reason(const std::string& token) {
    auto r = Verify(token);
    EXPECT_FALSE(r.ok());
    if (r.ok()) return "";
    EXPECT_EQ(r.error().code, "invalid-token");
    return r.error().message;
  }

  TestKey rsa_, ec_;
  JwkSet set_;
  IdTokenCheck check_;
};

TEST_F(IdTokenTest, GoodRs256AndEs256TokensVerify) {
  auto r = Verify(rsa_.Sign(Claims()));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["sub"], "u-42");
  auto e = Verify(ec_.Sign(Claims()));
  ASSERT_TRUE(e.ok()) << e.error().message;
}

TEST_F(IdTokenTest, AudienceMayBeAnArrayOfOursOnly) {
  json c = Claims();
  c["aud"] = {"client-1", "ios-app"};
  EXPECT_TRUE(Verify(rsa_.Sign(c)).ok());
  c["aud"] = {"ios-app"};
  EXPECT_TRUE(Verify(rsa_.Sign(c)).ok());
  // A token for us and for a party we do not trust: that party could replay it.
  c["aud"] = {"other", "ios-app"};
  EXPECT_EQ(Reason(rsa_.Sign(c)), "wrong audience");
  c["aud"] = {"other"};
  EXPECT_EQ(Reason(rsa_.Sign(c)), "wrong audience");
  c["aud"] = json::array();
  EXPECT_EQ(Reason(rsa_.Sign(c)), "wrong audience");
}

TEST_F(IdTokenTest, AuthorizedPartyMustBeOurs) {
  json c = Claims();
  c["azp"] = "ios-app";  // Google: the native app's client id
  EXPECT_TRUE(Verify(rsa_.Sign(c)).ok());
  c["azp"] = "someone-else";
  EXPECT_EQ(Reason(rsa_.Sign(c)), "wrong audience");
  c["azp"] = 7;
  EXPECT_EQ(Reason(rsa_.Sign(c)), "wrong audience");
}

TEST_F(IdTokenTest, WrongAudienceOrIssuerFails) {
  json c = Claims();
  c["aud"] = "someone-else";
  EXPECT_EQ(Reason(rsa_.Sign(c)), "wrong audience");
  c = Claims();
  c["iss"] = "https://evil.example";
  EXPECT_EQ(Reason(rsa_.Sign(c)), "wrong issuer");
}

TEST_F(IdTokenTest, ExpiryAndIssueTimeHaveLeeway) {
  json c = Claims();
  c["exp"] = kNow - 30;  // within the 60 s leeway
  EXPECT_TRUE(Verify(rsa_.Sign(c)).ok());
  c["exp"] = kNow - 61;
  EXPECT_EQ(Reason(rsa_.Sign(c)), "token expired");
  c = Claims();
  c["iat"] = kNow + 3600;
  EXPECT_EQ(Reason(rsa_.Sign(c)), "issued in the future");
  c = Claims();
  c.erase("exp");
  EXPECT_EQ(Reason(rsa_.Sign(c)), "missing or invalid exp");
}

TEST_F(IdTokenTest, NonceRawOrHashedIsAcceptedOthersNot) {
  json c = Claims();
  c["nonce"] = crypto::Sha256Hex("n0nce");
  EXPECT_TRUE(Verify(rsa_.Sign(c)).ok());
  c["nonce"] = "other";
  EXPECT_EQ(Reason(rsa_.Sign(c)), "wrong nonce");
  c.erase("nonce");
  EXPECT_EQ(Reason(rsa_.Sign(c)), "missing nonce");
  check_.nonce.reset();  // not asked for: not checked
  EXPECT_TRUE(Verify(rsa_.Sign(c)).ok());
}

TEST_F(IdTokenTest, AlgNoneAndHmacAndMismatchedAlgAreRejected) {
  std::string unsigned_token = crypto::Base64UrlEncode(R"({"alg":"none","kid":"rsa-1"})") + "." +
                               crypto::Base64UrlEncode(Claims().dump()) + ".";
  EXPECT_EQ(Reason(unsigned_token), "unsupported alg");
  // HS256 "signed" with the RSA public key as the secret must not pass.
  std::string header = crypto::Base64UrlEncode(R"({"alg":"HS256","kid":"rsa-1"})");
  std::string input = header + "." + crypto::Base64UrlEncode(Claims().dump());
  std::string hs =
      input + "." + crypto::Base64UrlEncode(crypto::HmacSha256(rsa_.public_pem, input));
  EXPECT_EQ(Reason(hs), "bad signature");
  // An ES256 token naming the RSA key.
  EXPECT_EQ(Reason(ec_.Sign(Claims(), {{"kid", "rsa-1"}})), "bad signature");
}

TEST_F(IdTokenTest, TamperedSignatureOrPayloadFails) {
  std::string token = rsa_.Sign(Claims());
  std::string tampered = token;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Reason(tampered), "bad signature");
  size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  json c = Claims();
  c["sub"] = "admin";
  std::string swapped =
      token.substr(0, dot1 + 1) + crypto::Base64UrlEncode(c.dump()) + token.substr(dot2);
  EXPECT_EQ(Reason(swapped), "bad signature");
}

TEST_F(IdTokenTest, MalformedInputIsRejected) {
  EXPECT_EQ(Reason(""), "malformed token");
  EXPECT_EQ(Reason("a.b"), "malformed token");
  EXPECT_EQ(Reason("!!.??.**"), "malformed token");
  EXPECT_EQ(Reason(std::string(17 * 1024, 'a') + ".b.c"), "malformed token");
  EXPECT_EQ(Reason(rsa_.Sign(Claims(), {{"kid", "nope"}})), "unknown kid");
}

TEST_F(IdTokenTest, RepeatedClaimIsRejected) {
  std::string header = crypto::Base64UrlEncode(R"({"alg":"RS256","kid":"rsa-1"})");
  std::string payload = R"({"iss":"https://idp.example","aud":"client-1","sub":"a","sub":"b",)"
                        R"("exp":1700000600,"nonce":"n0nce"})";
  std::string input = header + "." + crypto::Base64UrlEncode(payload);
  std::string token =
      input + "." +
      crypto::Base64UrlEncode(crypto::AsymmetricSign(rsa_.alg, rsa_.pkey.get(), input));
  EXPECT_EQ(Reason(token), "malformed claims");
}

TEST(JwkSetTest, SkipsUnusableKeysAndNeedsOne) {
  TestKey rsa = MakeTestKey(JwsAlg::kRS256, "r");
  json doc = {{"keys",
               {{{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "sym"}},
                {{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}, {"kid", "p384"}},
                {{"kty", "RSA"}, {"use", "enc"}, {"n", "AQAB"}, {"e", "AQAB"}, {"kid", "enc"}},
                rsa.Jwk()}}};
  auto set = JwkSet::Parse(doc.dump());
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->size(), 1u);
  EXPECT_NE(set->Find(true, "r"), nullptr);
  EXPECT_NE(set->Find(false, ""), nullptr);  // the only key serves a token without kid
  EXPECT_EQ(set->Find(true, "sym"), nullptr);
  EXPECT_FALSE(JwkSet::Parse(R"({"keys":[]})").ok());
  EXPECT_FALSE(JwkSet::Parse("[]").ok());
  EXPECT_FALSE(JwkSet::Parse("not json").ok());
}

TEST(JwkSetTest, EcPointOffTheCurveIsRefused) {
  TestKey ec = MakeTestKey(JwsAlg::kES256, "e");
  json jwk = ec.Jwk();
  std::string y;
  ASSERT_TRUE(crypto::Base64UrlDecode(jwk["y"].get<std::string>(), &y));
  y[31] ^= 1;
  jwk["y"] = crypto::Base64UrlEncode(y);
  EXPECT_FALSE(JwkSet::Parse(json{{"keys", {jwk}}}.dump()).ok());
}

TEST(JwkSetTest, ShortRsaKeyIsRefused) {
  crypto::JwkFields f;
  f.kty = "RSA";
  f.n = crypto::Base64UrlEncode(std::string(128, '\xff'));  // 1024 bits
  f.e = "AQAB";
  EXPECT_FALSE(crypto::ForeignKey::FromJwk(f).ok());
}

TEST(JwksCacheTest, CachesAndRefetchesOnUnknownKidAtMostEvery30Seconds) {
  TestKey a = MakeTestKey(JwsAlg::kRS256, "a");
  TestKey b = MakeTestKey(JwsAlg::kES256, "b");
  std::atomic<bool> rotated{false};
  FakeHttpServer server([&](const FakeRequest&) {
    FakeResponse r;
    r.body = rotated ? JwksOf({&a, &b}) : JwksOf({&a});
    return r;
  });
  core::ManualClock clock(kNow * 1000);
  JwksCache cache(MakeCurlHttpClient(5), clock);
  std::string url = server.url() + "/jwks";
  auto decoded_a = crypto::DecodeCompactJws(a.Sign({{"sub", "x"}}));
  auto decoded_b = crypto::DecodeCompactJws(b.Sign({{"sub", "x"}}));
  ASSERT_TRUE(decoded_a.ok() && decoded_b.ok());

  ASSERT_TRUE(cache.KeyFor(url, *decoded_a).ok());
  ASSERT_TRUE(cache.KeyFor(url, *decoded_a).ok());
  EXPECT_EQ(server.requests().size(), 1u);  // cached

  // An unknown kid right after a fetch does not fetch again...
  EXPECT_FALSE(cache.KeyFor(url, *decoded_b).ok());
  EXPECT_EQ(server.requests().size(), 1u);
  // ...but 30 s later it does (one refetch, which does not have it yet).
  clock.AdvanceSeconds(31);
  auto missing = cache.KeyFor(url, *decoded_b);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "unknown kid");
  EXPECT_EQ(server.requests().size(), 2u);
  // The provider rotates; within 30 s we do not ask again.
  rotated = true;
  EXPECT_FALSE(cache.KeyFor(url, *decoded_b).ok());
  EXPECT_EQ(server.requests().size(), 2u);
  clock.AdvanceSeconds(31);
  EXPECT_TRUE(cache.KeyFor(url, *decoded_b).ok());
  EXPECT_EQ(server.requests().size(), 3u);
  // After the TTL (an hour without Cache-Control) the document is refetched.
  clock.AdvanceSeconds(3600);
  EXPECT_TRUE(cache.KeyFor(url, *decoded_a).ok());
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(JwksCacheTest, HonoursMaxAgeAndKeepsAStaleDocumentThroughAnOutage) {
  TestKey a = MakeTestKey(JwsAlg::kRS256, "a");
  std::atomic<bool> down{false};
  FakeHttpServer server([&](const FakeRequest&) {
    FakeResponse r;
    if (down) {
      r.status = 503;
      return r;
    }
    r.body = JwksOf({&a});
    // The fake writes content_type verbatim, which lets a test add a header.
    r.content_type = "application/json\r\nCache-Control: public, max-age=120";
    return r;
  });
  core::ManualClock clock(kNow * 1000);
  JwksCache cache(MakeCurlHttpClient(5), clock);
  std::string url = server.url() + "/jwks";
  auto decoded = crypto::DecodeCompactJws(a.Sign({{"sub", "x"}}));
  ASSERT_TRUE(cache.KeyFor(url, *decoded).ok());
  clock.AdvanceSeconds(100);
  ASSERT_TRUE(cache.KeyFor(url, *decoded).ok());
  EXPECT_EQ(server.requests().size(), 1u);
  clock.AdvanceSeconds(30);  // past max-age
  ASSERT_TRUE(cache.KeyFor(url, *decoded).ok());
  EXPECT_EQ(server.requests().size(), 2u);
  down = true;
  clock.AdvanceSeconds(200);
  auto stale = cache.KeyFor(url, *decoded);
  EXPECT_TRUE(stale.ok()) << stale.error().message;
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(JwksCacheTest, UnreachableWithoutDocumentIsProviderError) {
  core::ManualClock clock(kNow * 1000);
  JwksCache cache(MakeCurlHttpClient(2), clock);
  TestKey a = MakeTestKey(JwsAlg::kRS256, "a");
  auto decoded = crypto::DecodeCompactJws(a.Sign({{"sub", "x"}}));
  auto r = cache.KeyFor("http://127.0.0.1:1/jwks", *decoded);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "oauth-provider-error");
}

}  // namespace
}  // namespace gh::oauth

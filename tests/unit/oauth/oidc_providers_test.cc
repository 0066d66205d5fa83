// Google, Apple and generic OIDC against a loopback identity provider that
// signs real ID tokens: authorize URL (nonce, PKCE, response_mode), the token
// request (Apple's ES256 client secret), ID token checks and profile mapping.
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/jws.h"
#include "fake_idp.h"
#include "oauth/id_token.h"
#include "oauth/providers/factories.h"
#include "test_keys.h"

namespace gh::oauth::providers {
namespace {

using crypto::JwsAlg;
using gh::testing::FakeIdp;
using gh::testing::JwksOf;
using gh::testing::MakeTestKey;
using gh::testing::QueryOf;
using gh::testing::TestKey;
using nlohmann::json;

constexpr int64_t kNow = 1'700'000'000;

class OidcProvidersTest : public ::testing::Test {
 protected:
  OidcProvidersTest() : key_(MakeTestKey(JwsAlg::kRS256, "k1")) {
    idp_.Answer("/jwks", JwksOf({&key_}));
  }

  json Claims(const std::string& iss) const {
    return {{"iss", iss},    {"aud", "client-1"}, {"sub", "sub-7"},      {"exp", kNow + 600},
            {"iat", kNow},   {"nonce", "n0nce"},  {"email", "Ada@X.io"}, {"email_verified", true},
            {"name", "Ada"}, {"locale", "fr-CA"}};
  }

  std::unique_ptr<Provider> Make(Made (*factory)(const config::OAuthProvider&, ProviderDeps),
                                 const config::OAuthProvider& settings) {
    auto made = factory(settings, ProviderDeps{&clock_, http_});
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
    return made.ok() ? std::move(made.value()) : nullptr;
  }

  CallbackParams Callback() const {
    CallbackParams c;
    c.code = "code-1";
    c.redirect_uri = "http://localhost:4000/v1/signin/provider/p/callback";
    c.code_verifier = "verifier";
    c.nonce = "n0nce";
    return c;
  }

  AuthorizeParams Authorize() const {
    AuthorizeParams p;
    p.state = "st";
    p.redirect_uri = Callback().redirect_uri;
    p.code_challenge = crypto::Base64UrlEncode(crypto::Sha256("verifier"));
    p.nonce = "n0nce";
    return p;
  }

  void TokenAnswer(const std::string& id_token) {
    idp_.Answer("/token", json{{"access_token", "at"}, {"id_token", id_token}}.dump());
  }

  FakeIdp idp_;
  TestKey key_;
  core::ManualClock clock_{kNow * 1000};
  std::shared_ptr<HttpClient> http_ = MakeCurlHttpClient(5);
};

TEST_F(OidcProvidersTest, GoogleFlowVerifiesTheIdTokenAndFillsGapsFromUserinfo) {
  auto google = Make(MakeGoogle, idp_.Settings("google"));
  EXPECT_TRUE(google->supports_id_token());
  auto q = QueryOf(google->AuthorizeUrl(Authorize()).value());
  EXPECT_EQ(q["scope"], "openid email profile");
  EXPECT_EQ(q["nonce"], "n0nce");
  EXPECT_EQ(q["code_challenge_method"], "S256");
  EXPECT_EQ(q["state"], "st");

  json c = Claims("accounts.google.com");  // Google's short issuer spelling
  c.erase("name");
  TokenAnswer(key_.Sign(c));
  auto tokens = google->ExchangeCode(Callback());
  ASSERT_TRUE(tokens.ok()) << tokens.error().message;
  auto form = idp_.Last("/token").Form();
  EXPECT_EQ(form["client_secret"], "secret-1");
  EXPECT_EQ(form["code_verifier"], "verifier");

  idp_.Answer("/userinfo", R"({"sub":"sub-7","name":"Ada Lovelace","picture":"https://p/a.png"})");
  auto profile = google->FetchProfile(*tokens, Callback());
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->provider_user_id, "sub-7");
  EXPECT_EQ(profile->email, "ada@x.io");
  EXPECT_TRUE(profile->email_verified);
  EXPECT_EQ(profile->display_name, "Ada Lovelace");
  EXPECT_EQ(profile->avatar_url, "https://p/a.png");
  EXPECT_EQ(profile->locale, "fr");

  // A userinfo answer about someone else is not merged.
  idp_.Answer("/userinfo", R"({"sub":"other","name":"Mallory"})");
  EXPECT_EQ(google->FetchProfile(*tokens, Callback()).error().code, "oauth-profile-fetch-failed");
}

TEST_F(OidcProvidersTest, CallbackIdTokenWithWrongNonceIsRejected) {
  auto google = Make(MakeGoogle, idp_.Settings("google"));
  TokenSet tokens;
  tokens.access_token = "at";
  json c = Claims("https://accounts.google.com");
  c["nonce"] = "replayed";
  tokens.id_token = key_.Sign(c);
  auto profile = google->FetchProfile(tokens, Callback());
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.error().code, "invalid-token");
  EXPECT_EQ(profile.error().message, "wrong nonce");
}

TEST_F(OidcProvidersTest, NativeIdTokenChecksAudienceAndNonce) {
  config::OAuthProvider s = idp_.Settings("google");
  s.audiences = {"ios-client"};
  auto google = Make(MakeGoogle, s);
  json c = Claims("https://accounts.google.com");
  c["aud"] = "ios-client";
  c["nonce"] = crypto::Sha256Hex("raw-nonce");  // what the native SDK puts in
  auto ok = google->VerifyIdToken(key_.Sign(c), "raw-nonce");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->provider_user_id, "sub-7");

  EXPECT_EQ(google->VerifyIdToken(key_.Sign(c), "another").error().message, "wrong nonce");
  c["aud"] = "someone-elses-app";
  EXPECT_EQ(google->VerifyIdToken(key_.Sign(c), std::nullopt).error().message, "wrong audience");
  c = Claims("https://evil.example");
  EXPECT_EQ(google->VerifyIdToken(key_.Sign(c), std::nullopt).error().message, "wrong issuer");
  c = Claims("https://accounts.google.com");
  clock_.AdvanceSeconds(3600);
  EXPECT_EQ(google->VerifyIdToken(key_.Sign(c), std::nullopt).error().message, "token expired");
}

TEST_F(OidcProvidersTest, NewSigningKeyIsPickedUpAfterRefetch) {
  auto google = Make(MakeGoogle, idp_.Settings("google"));
  json c = Claims("https://accounts.google.com");
  ASSERT_TRUE(google->VerifyIdToken(key_.Sign(c), "n0nce").ok());
  TestKey rotated = MakeTestKey(JwsAlg::kES256, "k2");
  idp_.Answer("/jwks", JwksOf({&key_, &rotated}));
  clock_.AdvanceSeconds(31);  // past the refetch interval
  auto r = google->VerifyIdToken(rotated.Sign(c), "n0nce");
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_F(OidcProvidersTest, GenericOidcUsesDiscovery) {
  config::OAuthProvider s = idp_.Settings("oidc");
  s.issuer = idp_.url() + "/realms/acme";
  s.authorize_url = s.token_url = s.userinfo_url = s.jwks_url = "";  // all from discovery
  idp_.Answer("/realms/acme/.well-known/openid-configuration",
              json{{"issuer", s.issuer},
                   {"authorization_endpoint", idp_.url() + "/auth"},
                   {"token_endpoint", idp_.url() + "/token"},
                   {"userinfo_endpoint", idp_.url() + "/userinfo"},
                   {"jwks_uri", idp_.url() + "/jwks"}}
                  .dump());
  auto acme = Make(MakeOidc, s);
  EXPECT_EQ(acme->name(), "acme");
  auto url = acme->AuthorizeUrl(Authorize());
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->rfind(idp_.url() + "/auth?", 0), 0u);

  TokenAnswer(key_.Sign(Claims(s.issuer)));
  auto tokens = acme->ExchangeCode(Callback());
  ASSERT_TRUE(tokens.ok()) << tokens.error().message;
  idp_.Answer("/userinfo", R"({"sub":"sub-7","picture":"https://p/x.png"})");
  auto profile = acme->FetchProfile(*tokens, Callback());
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->display_name, "Ada");
  EXPECT_EQ(profile->avatar_url, "https://p/x.png");

  // One discovery fetch serves every call within the hour.
  size_t discoveries = 0;
  for (const auto& r : idp_.requests())
    discoveries += r.path.find("openid-configuration") != std::string::npos;
  EXPECT_EQ(discoveries, 1u);
}

TEST_F(OidcProvidersTest, TokenEndpointAuthFollowsTheDiscoveryDocument) {
  // The form body when the provider takes it; HTTP basic when it lists only
  // basic, or lists nothing (the OpenID Connect default).
  struct Case {
    json methods;
    bool basic;
  } cases[] = {{json::array({"client_secret_post", "client_secret_basic"}), false},
               {json::array({"client_secret_basic"}), true},
               {json(), true}};
  int realm = 0;
  for (const Case& c : cases) {
    config::OAuthProvider s = idp_.Settings("oidc");
    s.issuer = idp_.url() + "/realms/r" + std::to_string(++realm);
    s.authorize_url = s.token_url = s.userinfo_url = s.jwks_url = "";
    json doc{{"issuer", s.issuer},
             {"authorization_endpoint", idp_.url() + "/auth"},
             {"token_endpoint", idp_.url() + "/token"},
             {"jwks_uri", idp_.url() + "/jwks"}};
    if (!c.methods.is_null()) doc["token_endpoint_auth_methods_supported"] = c.methods;
    idp_.Answer("/realms/r" + std::to_string(realm) + "/.well-known/openid-configuration",
                doc.dump());
    auto provider = Make(MakeOidc, s);
    TokenAnswer(key_.Sign(Claims(s.issuer)));
    ASSERT_TRUE(provider->ExchangeCode(Callback()).ok()) << "case " << realm;
    const auto requests = idp_.requests();
    const auto& token = *std::find_if(requests.rbegin(), requests.rend(),
                                      [](const auto& r) { return r.path == "/token"; });
    const auto form = token.Form();
    const auto auth = token.headers.find("authorization");
    if (c.basic) {
      ASSERT_NE(auth, token.headers.end()) << "case " << realm;
      EXPECT_EQ(auth->second.rfind("Basic ", 0), 0u);
      EXPECT_EQ(form.count("client_secret"), 0u) << "case " << realm;
    } else {
      EXPECT_EQ(auth, token.headers.end()) << "case " << realm;
      EXPECT_EQ(form.at("client_secret"), s.client_secret);
    }
  }
}

TEST_F(OidcProvidersTest, DiscoveryNamingAnotherIssuerIsRefused) {
  config::OAuthProvider s = idp_.Settings("oidc");
  s.issuer = idp_.url() + "/realms/acme";
  s.authorize_url = "";
  idp_.Answer("/realms/acme/.well-known/openid-configuration",
              json{{"issuer", "https://elsewhere.example"},
                   {"authorization_endpoint", idp_.url() + "/auth"},
                   {"token_endpoint", idp_.url() + "/token"}}
                  .dump());
  auto acme = Make(MakeOidc, s);
  auto url = acme->AuthorizeUrl(Authorize());
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().code, "oauth-provider-error");
}

TEST_F(OidcProvidersTest, FailedDiscoveryIsRetriedAfterAPause) {
  config::OAuthProvider s = idp_.Settings("oidc");
  s.issuer = idp_.url() + "/down";
  s.authorize_url = "";
  auto acme = Make(MakeOidc, s);
  auto count = [&] {
    size_t n = 0;
    for (const auto& r : idp_.requests()) n += r.path.find("/down/") == 0;
    return n;
  };
  EXPECT_EQ(acme->AuthorizeUrl(Authorize()).error().code, "oauth-provider-error");
  EXPECT_EQ(acme->AuthorizeUrl(Authorize()).error().code, "oauth-provider-error");
  EXPECT_EQ(count(), 1u);  // the second answer came from the remembered failure
  idp_.Answer("/down/.well-known/openid-configuration",
              json{{"issuer", s.issuer},
                   {"authorization_endpoint", idp_.url() + "/auth"},
                   {"token_endpoint", idp_.url() + "/token"}}
                  .dump());
  clock_.AdvanceSeconds(6);
  EXPECT_TRUE(acme->AuthorizeUrl(Authorize()).ok());
  EXPECT_EQ(count(), 2u);
}

TEST_F(OidcProvidersTest, OidcWithoutIdTokenReadsUserinfo) {
  config::OAuthProvider s = idp_.Settings("oidc");
  s.issuer = idp_.url();
  idp_.Answer("/.well-known/openid-configuration", json{{"issuer", s.issuer}}.dump());
  auto acme = Make(MakeOidc, s);
  TokenSet tokens;
  tokens.access_token = "at";
  idp_.Answer("/userinfo", R"({"sub":"u1","email":"u1@acme.io","email_verified":"true"})");
  auto profile = acme->FetchProfile(tokens, Callback());
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->provider_user_id, "u1");
  EXPECT_TRUE(profile->email_verified);
  idp_.Answer("/userinfo", R"({"email":"nosub@acme.io"})");
  EXPECT_EQ(acme->FetchProfile(tokens, Callback()).error().code, "oauth-profile-fetch-failed");
  idp_.Answer("/userinfo", "{}", 500);
  EXPECT_EQ(acme->FetchProfile(tokens, Callback()).error().code, "oauth-profile-fetch-failed");
}

class AppleTest : public OidcProvidersTest {
 protected:
  AppleTest() : p8_(MakeTestKey(JwsAlg::kES256, "apple-key")) {
    settings_ = idp_.Settings("apple");
    settings_.client_id = "com.example.web";
    settings_.client_secret = "";
    settings_.apple_team_id = "TEAM123456";
    settings_.apple_key_id = "KEY1234567";
    settings_.apple_private_key = p8_.private_pem;
    settings_.userinfo_url = "";
  }
  TestKey p8_;
  config::OAuthProvider settings_;
};

TEST_F(AppleTest, AuthorizeUsesFormPostWithoutPkce) {
  auto apple = Make(MakeApple, settings_);
  EXPECT_TRUE(apple->uses_form_post());
  EXPECT_FALSE(apple->supports_pkce());
  auto q = QueryOf(apple->AuthorizeUrl(Authorize()).value());
  EXPECT_EQ(q["response_mode"], "form_post");
  EXPECT_EQ(q["scope"], "name email");
  EXPECT_EQ(q["nonce"], "n0nce");
  EXPECT_EQ(q.count("code_challenge"), 0u);

  settings_.scopes = {"openid"};
  auto quiet = Make(MakeApple, settings_);
  EXPECT_FALSE(quiet->uses_form_post());
  EXPECT_EQ(QueryOf(quiet->AuthorizeUrl(Authorize()).value()).count("response_mode"), 0u);
}

TEST_F(AppleTest, ClientSecretIsAnEs256JwtThatVerifiesWithThePublicKey) {
  auto apple = Make(MakeApple, settings_);
  TokenAnswer(key_.Sign(Claims("https://appleid.apple.com")));
  ASSERT_TRUE(apple->ExchangeCode(Callback()).ok());
  std::string secret = idp_.Last("/token").Form()["client_secret"];
  auto jws = crypto::DecodeCompactJws(secret);
  ASSERT_TRUE(jws.ok()) << jws.error().message;
  EXPECT_EQ(jws->kid, "KEY1234567");
  crypto::JwkFields f;
  json jwk = p8_.Jwk();
  f.kty = "EC";
  f.crv = "P-256";
  f.x = jwk["x"];
  f.y = jwk["y"];
  auto pub = crypto::ForeignKey::FromJwk(f);
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE((*pub)->Verifies(*jws));
  json claims = json::parse(jws->payload_json);
  EXPECT_EQ(claims["iss"], "TEAM123456");
  EXPECT_EQ(claims["sub"], "com.example.web");
  EXPECT_EQ(claims["aud"], "https://appleid.apple.com");
  EXPECT_EQ(claims["iat"], kNow);
  EXPECT_GT(claims["exp"].get<int64_t>(), kNow);
  EXPECT_LE(claims["exp"].get<int64_t>(), kNow + 180 * 86400);
}

TEST_F(AppleTest, ProfileFromIdTokenWithStringVerifiedAndNameFromUserField) {
  auto apple = Make(MakeApple, settings_);
  json c = Claims("https://appleid.apple.com");
  c["aud"] = "com.example.web";
  c["email_verified"] = "true";
  c.erase("name");
  TokenAnswer(key_.Sign(c));
  auto tokens = apple->ExchangeCode(Callback());
  ASSERT_TRUE(tokens.ok());
  CallbackParams cb = Callback();
  cb.user_json = R"({"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"evil@x.io"})";
  auto profile = apple->FetchProfile(*tokens, cb);
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->email, "ada@x.io");  // from the signed token, not the form
  EXPECT_TRUE(profile->email_verified);
  EXPECT_EQ(profile->display_name, "Ada Lovelace");
}

TEST_F(AppleTest, PemWithEscapedNewlinesIsAccepted) {
  std::string escaped;
  for (char ch : p8_.private_pem) escaped += ch == '\n' ? std::string("\\n") : std::string(1, ch);
  settings_.apple_private_key = escaped;
  EXPECT_NE(Make(MakeApple, settings_), nullptr);
}

TEST_F(AppleTest, BadKeyOrMissingIdsAreRefusedNamingTheProvider) {
  settings_.apple_private_key = "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n";
  auto bad = MakeApple(settings_, ProviderDeps{&clock_, http_});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid-request");
  EXPECT_NE(bad.error().message.find("apple"), std::string::npos);
  settings_.apple_private_key = MakeTestKey(JwsAlg::kRS256, "r").private_pem;  // not P-256
  EXPECT_FALSE(MakeApple(settings_, ProviderDeps{&clock_, http_}).ok());
  settings_.apple_private_key = p8_.private_pem;
  settings_.apple_team_id = "";
  EXPECT_FALSE(MakeApple(settings_, ProviderDeps{&clock_, http_}).ok());
}

}  // namespace
}  // namespace gh::oauth::providers

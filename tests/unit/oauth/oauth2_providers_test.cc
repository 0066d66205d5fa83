// Facebook, X, GitHub and Discord against a loopback fake of their APIs: the
// authorize URL, the token request, the profile mapping and the failure codes.
#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "fake_idp.h"
#include "oauth/providers/factories.h"

namespace gh::oauth::providers {
namespace {

using gh::testing::FakeIdp;
using gh::testing::QueryOf;

class OAuth2ProvidersTest : public ::testing::Test {
 protected:
  std::unique_ptr<Provider> Make(Made (*factory)(const config::OAuthProvider&, ProviderDeps),
                                 const std::string& kind) {
    auto made = factory(idp_.Settings(kind), ProviderDeps{&clock_, http_});
    EXPECT_TRUE(made.ok());
    return std::move(made.value());
  }

  AuthorizeParams Authorize() const {
    AuthorizeParams p;
    p.state = "st4te";
    p.redirect_uri = "http://localhost:4000/v1/signin/provider/x/callback";
    p.code_challenge = crypto::Base64UrlEncode(crypto::Sha256("verifier"));
    p.nonce = "n0nce";
    return p;
  }

  CallbackParams Callback() const {
    CallbackParams c;
    c.code = "the-code";
    c.redirect_uri = "http://localhost:4000/v1/signin/provider/x/callback";
    c.code_verifier = "verifier";
    return c;
  }

  TokenSet Tokens(Provider& p) {
    idp_.Answer("/token", R"({"access_token":"at-1","refresh_token":"rt-1","expires_in":3600,)"
                          R"("token_type":"bearer"})");
    auto t = p.ExchangeCode(Callback());
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? t.value() : TokenSet{};
  }

  FakeIdp idp_;
  core::ManualClock clock_;
  std::shared_ptr<HttpClient> http_ = MakeCurlHttpClient(5);
};

TEST_F(OAuth2ProvidersTest, FacebookAuthorizeTokenAndProfile) {
  auto fb = Make(MakeFacebook, "facebook");
  auto url = fb->AuthorizeUrl(Authorize());
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->rfind(idp_.url() + "/authorize?", 0), 0u);
  auto q = QueryOf(*url);
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["client_id"], "client-1");
  EXPECT_EQ(q["scope"], "email public_profile");
  EXPECT_EQ(q["state"], "st4te");
  EXPECT_EQ(q["code_challenge"], crypto::Base64UrlEncode(crypto::Sha256("verifier")));
  EXPECT_EQ(q["code_challenge_method"], "S256");
  EXPECT_EQ(q.count("nonce"), 0u);  // no ID tokens here
  EXPECT_FALSE(fb->supports_id_token());

  TokenSet tokens = Tokens(*fb);
  EXPECT_EQ(tokens.access_token, "at-1");
  EXPECT_EQ(tokens.refresh_token, "rt-1");
  EXPECT_EQ(tokens.expires_in, 3600);
  auto form = idp_.Last("/token").Form();
  EXPECT_EQ(form["grant_type"], "authorization_code");
  EXPECT_EQ(form["code"], "the-code");
  EXPECT_EQ(form["redirect_uri"], Callback().redirect_uri);
  EXPECT_EQ(form["code_verifier"], "verifier");
  EXPECT_EQ(form["client_id"], "client-1");
  EXPECT_EQ(form["client_secret"], "secret-1");

  idp_.Answer("/userinfo", R"({"id":"1017","name":"Ada L","email":"Ada@Example.COM",)"
                           R"("picture":{"data":{"url":"https://cdn.fb/ada.jpg"}}})");
  auto profile = fb->FetchProfile(tokens, Callback());
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->provider_user_id, "1017");
  EXPECT_EQ(profile->email, "ada@example.com");
  EXPECT_TRUE(profile->email_verified);
  EXPECT_EQ(profile->display_name, "Ada L");
  EXPECT_EQ(profile->avatar_url, "https://cdn.fb/ada.jpg");
  auto me = idp_.Last("/userinfo");
  EXPECT_EQ(me.path, "/userinfo?fields=id,name,email,picture.type(large)");
  EXPECT_EQ(me.headers["authorization"], "Bearer at-1");

  auto idt = fb->VerifyIdToken("x.y.z", std::nullopt);
  ASSERT_FALSE(idt.ok());
  EXPECT_EQ(idt.error().code, "disabled-endpoint");
}

TEST_F(OAuth2ProvidersTest, TwitterUsesBasicAuthPkceAndHasNoEmail) {
  auto x = Make(MakeTwitter, "twitter");
  auto q = QueryOf(x->AuthorizeUrl(Authorize()).value());
  EXPECT_EQ(q["scope"], "users.read tweet.read offline.access");
  EXPECT_EQ(q["code_challenge_method"], "S256");
  TokenSet tokens = Tokens(*x);
  auto token_req = idp_.Last("/token");
  EXPECT_EQ(token_req.headers["authorization"],
            "Basic " + crypto::Base64Encode("client-1:secret-1"));
  auto form = token_req.Form();
  EXPECT_EQ(form.count("client_secret"), 0u);
  EXPECT_EQ(form["code_verifier"], "verifier");

  idp_.Answer("/userinfo", R"({"data":{"id":"2244994945","name":"","username":"ada",)"
                           R"("profile_image_url":"https://pbs.twimg.com/a.jpg"}})");
  auto profile = x->FetchProfile(tokens, Callback());
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->provider_user_id, "2244994945");
  EXPECT_FALSE(profile->email.has_value());
  EXPECT_FALSE(profile->email_verified);
  EXPECT_EQ(profile->display_name, "ada");
  EXPECT_EQ(profile->avatar_url, "https://pbs.twimg.com/a.jpg");
  EXPECT_EQ(idp_.Last("/userinfo").path, "/userinfo?user.fields=profile_image_url");
}

TEST_F(OAuth2ProvidersTest, GithubTakesThePrimaryVerifiedEmailAndNumericId) {
  auto gh = Make(MakeGithub, "github");
  EXPECT_EQ(QueryOf(gh->AuthorizeUrl(Authorize()).value())["scope"], "read:user user:email");
  TokenSet tokens = Tokens(*gh);
  idp_.Answer("/userinfo", R"({"id":583231,"login":"octocat","name":null,)"
                           R"("avatar_url":"https://avatars.githubusercontent.com/u/583231",)"
                           R"("email":"public@example.com"})");
  idp_.Answer("/userinfo/emails",
              R"([{"email":"old@example.com","primary":false,"verified":true},)"
              R"({"email":"Octo@Example.com","primary":true,"verified":true}])");
  auto profile = gh->FetchProfile(tokens, Callback());
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->provider_user_id, "583231");
  EXPECT_EQ(profile->email, "octo@example.com");
  EXPECT_TRUE(profile->email_verified);
  EXPECT_EQ(profile->display_name, "octocat");
  EXPECT_EQ(profile->avatar_url, "https://avatars.githubusercontent.com/u/583231");
  auto user = idp_.Last("/userinfo");
  EXPECT_EQ(user.headers["accept"], "application/vnd.github+json");
  EXPECT_FALSE(user.headers["user-agent"].empty());
  EXPECT_EQ(idp_.Last("/userinfo/emails").headers["authorization"], "Bearer at-1");

  // Primary unverified: the first verified one.
  idp_.Answer("/userinfo/emails", R"([{"email":"p@example.com","primary":true,"verified":false},)"
                                  R"({"email":"v@example.com","primary":false,"verified":true}])");
  EXPECT_EQ(gh->FetchProfile(tokens, Callback())->email, "v@example.com");
  // No list (scope missing): the public address, not vouched for.
  idp_.Answer("/userinfo/emails", R"({"message":"Not Found"})", 404);
  auto fallback = gh->FetchProfile(tokens, Callback());
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->email, "public@example.com");
  EXPECT_FALSE(fallback->email_verified);
}

TEST_F(OAuth2ProvidersTest, DiscordBuildsTheAvatarUrlAndSendsNoPkce) {
  auto dc = Make(MakeDiscord, "discord");
  auto q = QueryOf(dc->AuthorizeUrl(Authorize()).value());
  EXPECT_EQ(q["scope"], "identify email");
  EXPECT_EQ(q.count("code_challenge"), 0u);
  EXPECT_FALSE(dc->supports_pkce());
  TokenSet tokens = Tokens(*dc);
  idp_.Answer("/userinfo",
              R"({"id":"80351110224678912","username":"nelly","global_name":"Nelly",)"
              R"("avatar":"a_8342729096ea3675442027381ff50dfe","email":"nelly@discord.com",)"
              R"("verified":true,"locale":"en-US"})");
  auto profile = dc->FetchProfile(tokens, Callback());
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->provider_user_id, "80351110224678912");
  EXPECT_EQ(profile->display_name, "Nelly");
  EXPECT_EQ(profile->email, "nelly@discord.com");
  EXPECT_TRUE(profile->email_verified);
  EXPECT_EQ(profile->locale, "en");
  EXPECT_EQ(profile->avatar_url,
            "https://cdn.discordapp.com/avatars/80351110224678912/"
            "a_8342729096ea3675442027381ff50dfe.gif");

  idp_.Answer("/userinfo", R"({"id":"1","username":"u","email":"u@d.com","verified":false,)"
                           R"("avatar":"abc"})");
  auto unverified = dc->FetchProfile(tokens, Callback());
  ASSERT_TRUE(unverified.ok());
  EXPECT_FALSE(unverified->email_verified);
  EXPECT_EQ(unverified->avatar_url, "https://cdn.discordapp.com/avatars/1/abc.png");
}

TEST_F(OAuth2ProvidersTest, TokenEndpointRefusalIsExchangeFailure) {
  auto dc = Make(MakeDiscord, "discord");
  idp_.Answer("/token", R"({"error":"invalid_grant","error_description":"bad code"})", 400);
  auto t = dc->ExchangeCode(Callback());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "oauth-token-echange-failed");
  EXPECT_NE(t.error().message.find("invalid_grant"), std::string::npos);

  idp_.Answer("/token", R"({"token_type":"bearer"})");  // 200 without access_token
  EXPECT_EQ(dc->ExchangeCode(Callback()).error().code, "oauth-token-echange-failed");
  idp_.Answer("/token", "<html>oops</html>");
  EXPECT_EQ(dc->ExchangeCode(Callback()).error().code, "oauth-token-echange-failed");
}

TEST_F(OAuth2ProvidersTest, UnreachableTokenEndpointIsProviderError) {
  config::OAuthProvider s = idp_.Settings("github");
  s.token_url = "http://127.0.0.1:1/token";
  auto gh = MakeGithub(s, ProviderDeps{&clock_, http_});
  ASSERT_TRUE(gh.ok());
  EXPECT_EQ((*gh)->ExchangeCode(Callback()).error().code, "oauth-provider-error");
}

TEST_F(OAuth2ProvidersTest, ProfileFailuresAreProfileFetchFailed) {
  auto fb = Make(MakeFacebook, "facebook");
  TokenSet tokens = Tokens(*fb);
  idp_.Answer("/userinfo", R"({"error":{"message":"expired"}})", 401);
  EXPECT_EQ(fb->FetchProfile(tokens, Callback()).error().code, "oauth-profile-fetch-failed");
  idp_.Answer("/userinfo", R"({"name":"No Id"})");  // no stable id
  EXPECT_EQ(fb->FetchProfile(tokens, Callback()).error().code, "oauth-profile-fetch-failed");
  idp_.Answer("/userinfo", "not json");
  EXPECT_EQ(fb->FetchProfile(tokens, Callback()).error().code, "oauth-profile-fetch-failed");

  auto x = Make(MakeTwitter, "twitter");
  idp_.Answer("/userinfo", R"({"errors":[{"message":"nope"}]})");
  EXPECT_EQ(x->FetchProfile(tokens, Callback()).error().code, "oauth-profile-fetch-failed");
}

TEST_F(OAuth2ProvidersTest, ImplausibleEmailIsDroppedNotFatal) {
  auto dc = Make(MakeDiscord, "discord");
  TokenSet tokens = Tokens(*dc);
  idp_.Answer("/userinfo", R"({"id":"7","username":"u","email":"not an address","verified":true})");
  auto profile = dc->FetchProfile(tokens, Callback());
  ASSERT_TRUE(profile.ok());
  EXPECT_FALSE(profile->email.has_value());
  EXPECT_FALSE(profile->email_verified);
}

TEST_F(OAuth2ProvidersTest, ConfiguredScopesAndExtraParamsAreSent) {
  config::OAuthProvider s = idp_.Settings("github");
  s.scopes = {"read:user"};
  auto gh = MakeGithub(s, ProviderDeps{&clock_, http_});
  AuthorizeParams p = Authorize();
  p.extra = {{"login", "octocat"}, {"allow_signup", "false"}};
  auto q = QueryOf((*gh)->AuthorizeUrl(p).value());
  EXPECT_EQ(q["scope"], "read:user");
  EXPECT_EQ(q["login"], "octocat");
  EXPECT_EQ(q["allow_signup"], "false");
}

}  // namespace
}  // namespace gh::oauth::providers

// OAuthFlow over a fake provider: the redirect dance (state, PKCE, nonce,
// replay, expiry, tampering, provider errors), who a profile becomes (existing
// identity, email linking on and off, new user), connect, grant codes, ID-token
// sign-in and linking, unlinking, and the provider's tokens sealed at rest.
#include "auth/oauth.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "auth/mfa.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

// A provider whose answers the test sets; records what the flow sent it.
class FakeProvider final : public oauth::Provider {
 public:
  FakeProvider(std::string name, bool pkce, bool id_token)
      : name_(std::move(name)), pkce_(pkce), id_token_(id_token) {}

  const std::string& name() const override { return name_; }
  bool supports_pkce() const override { return pkce_; }
  bool supports_id_token() const override { return id_token_; }

  core::Result<std::string> AuthorizeUrl(const oauth::AuthorizeParams& params) override {
    authorize = params;
    return "https://idp.test/authorize?state=" + params.state;
  }
  core::Result<oauth::TokenSet> ExchangeCode(const oauth::CallbackParams& params) override {
    {
      std::lock_guard<std::mutex> lock(mu_);  // callbacks may run on several threads
      exchanged = params;
    }
    if (params.code != "good-code")
      return core::Error(core::errc::kOAuthTokenExchangeFailed, "invalid_grant");
    return tokens;
  }
  core::Result<oauth::Profile> FetchProfile(const oauth::TokenSet&,
                                            const oauth::CallbackParams&) override {
    if (before_profile) before_profile();
    return profile;
  }
  core::Result<oauth::Profile> VerifyIdToken(std::string_view id_token,
                                             std::optional<std::string_view> nonce) override {
    if (id_token != "good-id-token") return core::Error(core::errc::kInvalidToken, "bad signature");
    if (nonce && *nonce != "app-nonce") return core::Error(core::errc::kInvalidToken, "nonce");
    return profile;
  }

  oauth::AuthorizeParams authorize;
  oauth::CallbackParams exchanged;
  std::function<void()> before_profile;  // runs on the callback's thread
  oauth::TokenSet tokens{"provider-access", "provider-refresh", "", "openid", 3600};
  oauth::Profile profile{"sub-1",
                         std::string("ann@example.com"),
                         true,
                         "Ann: <Admin>",
                         "https://img.test/ann.png",
                         "fr",
                         R"({"sub":"sub-1"})"};

 private:
  std::mutex mu_;
  std::string name_;
  bool pkce_;
  bool id_token_;
};

// The value of query parameter `name` in `url`, percent-decoded; "" if absent.
std::string Param(const std::string& url, const std::string& name) {
  size_t q = url.find('?');
  if (q == std::string::npos) return "";
  std::string rest = url.substr(q + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    size_t amp = rest.find('&', pos);
    std::string pair = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      std::string raw = eq == std::string::npos ? "" : pair.substr(eq + 1), out;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size()) {
          out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          out += raw[i] == '+' ? ' ' : raw[i];
        }
      }
      return out;
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return "";
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

class OAuthFlowTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    config_.client_url = "https://app.test";
    config_.public_url = "https://auth.test/";
    config_.allowed_locales = {"en", "fr"};
    auto github = std::make_unique<FakeProvider>("github", true, false);
    auto google = std::make_unique<FakeProvider>("google", true, true);
    github_ = github.get();
    google_ = google.get();
    std::vector<std::unique_ptr<oauth::Provider>> providers;
    providers.push_back(std::move(github));
    providers.push_back(std::move(google));
    catalogue_ = std::make_unique<oauth::Catalogue>(std::move(providers));
    flow_ = std::make_unique<OAuthFlow>(*store_, clock_, config_, *tokens_, *sessions_,
                                        catalogue_.get(), "test-key-material-0123456789abcdef");
  }

  // Starts a sign-in and returns the state the provider was given.
  std::string Begin(OAuthStart start = {}) {
    if (start.provider.empty()) start.provider = "github";
    auto url = flow_->Start(start);
    EXPECT_TRUE(url.ok()) << (url.ok() ? "" : url.error().message);
    FakeProvider* p = start.provider == "google" ? google_ : github_;
    return p->authorize.state;
  }

  std::string Back(const std::string& state, const std::string& code = "good-code",
                   const std::string& provider = "github") {
    OAuthCallback cb;
    cb.provider = provider;
    cb.state = state;
    cb.code = code;
    cb.client = client_;
    return flow_->Callback(cb);
  }

  core::User UserByEmail(const std::string& email) {
    auto u = store_->users().FindByEmail(email);
    EXPECT_TRUE(u.ok() && u->has_value());
    return u.ok() && u->has_value() ? **u : core::User{};
  }

  std::unique_ptr<oauth::Catalogue> catalogue_;
  FakeProvider* github_ = nullptr;
  FakeProvider* google_ = nullptr;
  std::unique_ptr<OAuthFlow> flow_;
};

TEST_F(OAuthFlowTest, StartRefusesUnknownProviderBadRedirectAndBadOptions) {
  OAuthStart s;
  s.provider = "myspace";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kDisabledEndpoint);

  s.provider = "github";
  s.options.redirect_to = "https://evil.test/";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kRedirectNotAllowed);

  s.options.redirect_to.reset();
  s.options.allowed_roles = std::vector<std::string>{"admin"};
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kRoleNotAllowed);

  OAuthFlow none(*store_, clock_, config_, *tokens_, *sessions_, nullptr, "k");
  OAuthStart github;
  github.provider = "github";
  EXPECT_EQ(none.Start(github).error().code, core::errc::kDisabledEndpoint);
}

TEST_F(OAuthFlowTest, StartSendsStatePkceNonceAndOurCallback) {
  OAuthStart s;
  s.provider = "google";
  s.extra = {{"prompt", "consent"}};
  auto url = flow_->Start(s);
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(StartsWith(*url, "https://idp.test/authorize"));
  const auto& a = google_->authorize;
  EXPECT_GE(a.state.size(), 43u);
  EXPECT_EQ(a.redirect_uri, "https://auth.test/v1/signin/provider/google/callback");
  EXPECT_EQ(a.code_challenge.size(), 43u);
  EXPECT_FALSE(a.nonce.empty());
  ASSERT_EQ(a.extra.size(), 1u);

  // GitHub issues no ID tokens: no nonce.
  Begin();
  EXPECT_TRUE(github_->authorize.nonce.empty());

  // The callback hands the provider the request's verifier and nonce.
  Back(a.state, "good-code", "google");
  EXPECT_EQ(google_->exchanged.nonce, a.nonce);
  EXPECT_EQ(google_->exchanged.redirect_uri, a.redirect_uri);
  EXPECT_EQ(google_->exchanged.code_verifier.size(), 43u);
}

TEST_F(OAuthFlowTest, NewUserFromProfileGetsSessionOnRedirect) {
  OAuthStart s;
  s.options.redirect_to = "https://app.test/after";
  s.options.metadata_json = R"({"plan":"pro"})";
  const std::string url = Back(Begin(s));
  EXPECT_TRUE(StartsWith(url, "https://app.test/after?refreshToken=")) << url;
  EXPECT_TRUE(LooksLikeRefreshToken(Param(url, "refreshToken")));

  core::User u = UserByEmail("ann@example.com");
  EXPECT_TRUE(u.email_verified);
  EXPECT_EQ(u.display_name, "Ann Admin");  // characters a display name refuses dropped
  EXPECT_EQ(u.avatar_url, "https://img.test/ann.png");
  EXPECT_EQ(u.locale, "fr");
  EXPECT_EQ(u.metadata_json, R"({"plan":"pro"})");
  EXPECT_FALSE(u.password_hash.has_value());
  auto ids = flow_->ListIdentities(u.id);
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].provider, "github");
  EXPECT_EQ((*ids)[0].provider_user_id, "sub-1");
  EXPECT_EQ((*ids)[0].data_json, R"({"sub":"sub-1"})");
}

TEST_F(OAuthFlowTest, OptionsWinOverProfileAndUnverifiedEmailStaysUnverified) {
  github_->profile.email_verified = false;
  github_->profile.locale = "de";  // not allowed here: the default stays
  OAuthStart s;
  s.options.display_name = "Annie";
  Back(Begin(s));
  core::User u = UserByEmail("ann@example.com");
  EXPECT_EQ(u.display_name, "Annie");
  EXPECT_EQ(u.locale, config_.default_locale);
  EXPECT_FALSE(u.email_verified);
}

TEST_F(OAuthFlowTest, ProviderTokensAreSealedAtRest) {
  Back(Begin());
  core::User u = UserByEmail("ann@example.com");
  auto ids = store_->identities().ListForUser(u.id);
  ASSERT_TRUE(ids.ok() && ids->size() == 1);
  const core::Identity& i = (*ids)[0];
  EXPECT_EQ(i.access_token_encrypted.find("provider-access"), std::string::npos);
  EXPECT_EQ(i.refresh_token_encrypted.find("provider-refresh"), std::string::npos);
  std::string plain;
  ASSERT_TRUE(flow_->OpenToken(i.access_token_encrypted, &plain));
  EXPECT_EQ(plain, "provider-access");
  ASSERT_TRUE(flow_->OpenToken(i.refresh_token_encrypted, &plain));
  EXPECT_EQ(plain, "provider-refresh");

  // The next sign-in refreshes the access token and keeps the refresh token
  // when the provider sends none.
  github_->tokens.access_token = "provider-access-2";
  github_->tokens.refresh_token.clear();
  Back(Begin());
  ids = store_->identities().ListForUser(u.id);
  ASSERT_TRUE(flow_->OpenToken((*ids)[0].access_token_encrypted, &plain));
  EXPECT_EQ(plain, "provider-access-2");
  ASSERT_TRUE(flow_->OpenToken((*ids)[0].refresh_token_encrypted, &plain));
  EXPECT_EQ(plain, "provider-refresh");
}

TEST_F(OAuthFlowTest, ExistingIdentitySignsInTheSameUser) {
  Back(Begin());
  const std::string id = UserByEmail("ann@example.com").id;
  github_->profile.email = "ann.new@example.com";  // the identity, not the email, decides
  const std::string url = Back(Begin());
  EXPECT_FALSE(Param(url, "refreshToken").empty()) << url;
  auto ids = store_->identities().ListForUser(id);
  ASSERT_TRUE(ids.ok() && ids->size() == 1);
  EXPECT_EQ((*ids)[0].email, "ann.new@example.com");
  EXPECT_EQ(store_->users().Count().value(), 1);
}

TEST_F(OAuthFlowTest, RacingFirstSignInsOfOneIdentityBecomeOneUser) {
  // A double-clicked button: two callbacks of the same new identity reach
  // ResolveUser together; whichever creates the user second joins the first.
  // Several identities, with and without an email, to give the race its chance.
  for (int round = 0; round < 20; ++round) {
    github_->profile.provider_user_id = "racer-" + std::to_string(round);
    github_->profile.email =
        round % 2 ? std::optional<std::string>() : "racer" + std::to_string(round) + "@example.com";
    const std::string a = Begin(), b = Begin();
    std::atomic<int> arrived{0};
    github_->before_profile = [&] {
      arrived++;
      while (arrived.load() < 2) std::this_thread::yield();
    };
    std::string url_a, url_b;
    std::thread other([&] { url_b = Back(b); });
    url_a = Back(a);
    other.join();
    github_->before_profile = nullptr;
    const std::string token_a = Param(url_a, "refreshToken");
    const std::string token_b = Param(url_b, "refreshToken");
    ASSERT_FALSE(token_a.empty()) << "round " << round << ": " << url_a;
    ASSERT_FALSE(token_b.empty()) << "round " << round << ": " << url_b;
    auto session_a = sessions_->Refresh(token_a);
    auto session_b = sessions_->Refresh(token_b);
    ASSERT_TRUE(session_a.ok() && session_b.ok());
    EXPECT_EQ(session_a->user.id, session_b->user.id) << "round " << round;
  }
  EXPECT_EQ(store_->users().Count().value(), 20);
}

TEST_F(OAuthFlowTest, ReplayedTamperedAndMissingStateGoToClientUrl) {
  OAuthStart s;
  s.options.redirect_to = "https://app.test/x";
  const std::string state = Begin(s);
  EXPECT_TRUE(StartsWith(Back(state), "https://app.test/x?refreshToken="));
  const std::string replay = Back(state);
  EXPECT_TRUE(StartsWith(replay, "https://app.test?error=invalid-state")) << replay;
  EXPECT_FALSE(Param(replay, "errorDescription").empty());

  EXPECT_EQ(Param(Back(Begin() + "x"), "error"), "invalid-state");
  EXPECT_EQ(Param(Back(""), "error"), "invalid-state");
  // A state minted for GitHub presented at Google's callback is spent and refused.
  const std::string spliced = Begin();
  EXPECT_EQ(Param(Back(spliced, "good-code", "google"), "error"), "invalid-state");
  EXPECT_EQ(Param(Back(spliced), "error"), "invalid-state");
}

TEST_F(OAuthFlowTest, BoundStateWorksOnlyWithItsBrowsersBinding) {
  OAuthStart s;
  s.binding = OAuthFlow::NewBinding();
  EXPECT_TRUE(OAuthFlow::LooksLikeBinding(s.binding));
  const std::string state = Begin(s);
  auto back = [&](const std::string& binding) {
    OAuthCallback cb;
    cb.provider = "github";
    cb.state = state;
    cb.code = "good-code";
    cb.binding = binding;
    cb.client = client_;
    return flow_->Callback(cb);
  };
  // Another browser (no cookie, or its own) cannot use the state, nor spend it.
  EXPECT_EQ(Param(back(""), "error"), "invalid-state");
  EXPECT_EQ(Param(back(OAuthFlow::NewBinding()), "error"), "invalid-state");
  const std::string url = back(s.binding);
  EXPECT_FALSE(Param(url, "refreshToken").empty()) << url;
  EXPECT_EQ(Param(back(s.binding), "error"), "invalid-state");  // and once only
  EXPECT_FALSE(OAuthFlow::LooksLikeBinding("short"));
  EXPECT_FALSE(OAuthFlow::LooksLikeBinding(std::string(43, '=')));
}

TEST_F(OAuthFlowTest, ExpiredRequestIsInvalidState) {
  const std::string state = Begin();
  clock_.AdvanceSeconds(config_.oauth_request_ttl_seconds + 1);
  EXPECT_EQ(Param(Back(state), "error"), "invalid-state");
}

TEST_F(OAuthFlowTest, ExchangeFailureAndProviderErrorGoToRedirectTo) {
  OAuthStart s;
  s.options.redirect_to = "https://app.test/cb";
  std::string url = Back(Begin(s), "bad-code");
  EXPECT_TRUE(StartsWith(url, "https://app.test/cb?error=oauth-token-echange-failed")) << url;

  OAuthCallback cb;
  cb.provider = "github";
  cb.state = Begin(s);
  cb.error = "access_denied";
  cb.error_description = "The user said no";
  url = flow_->Callback(cb);
  EXPECT_EQ(Param(url, "error"), "oauth-provider-error");
  EXPECT_EQ(Param(url, "errorDescription"), "The user said no");
  EXPECT_EQ(store_->users().Count().value(), 0);
}

TEST_F(OAuthFlowTest, VerifiedEmailLinksToExistingAccount) {
  SignUp("ann@example.com");  // email unverified (verification off in the fixture)
  const core::User before = UserByEmail("ann@example.com");
  const std::string url = Back(Begin());
  EXPECT_FALSE(Param(url, "refreshToken").empty()) << url;
  EXPECT_EQ(store_->users().Count().value(), 1);
  core::User after = UserByEmail("ann@example.com");
  EXPECT_EQ(after.id, before.id);
  EXPECT_TRUE(after.email_verified);
  // Verification is not required here: the operator accepts unproven
  // addresses, and the password keeps working.
  EXPECT_TRUE(after.password_hash.has_value());
  EXPECT_EQ(flow_->ListIdentities(after.id)->size(), 1u);
}

TEST_F(OAuthFlowTest, WithVerificationRequiredAnUnprovenPasswordIsDropped) {
  SignUp("ann@example.com");  // unverified: the password was never usable
  config_.email_verification_required = true;
  const std::string url = Back(Begin());
  EXPECT_FALSE(Param(url, "refreshToken").empty()) << url;
  core::User after = UserByEmail("ann@example.com");
  EXPECT_TRUE(after.email_verified);
  EXPECT_FALSE(after.password_hash.has_value());
}

TEST_F(OAuthFlowTest, VerifiedAccountKeepsItsPasswordWhenLinked) {
  SignUp("ann@example.com");
  core::User u = UserByEmail("ann@example.com");
  u.email_verified = true;
  ASSERT_TRUE(store_->users().Update(u).ok());
  Back(Begin());
  EXPECT_TRUE(UserByEmail("ann@example.com").password_hash.has_value());
}

TEST_F(OAuthFlowTest, LinkingOffOrUnverifiedProviderEmailDoesNotLink) {
  SignUp("ann@example.com");
  config_.oauth_link_verified_email = false;
  EXPECT_EQ(Param(Back(Begin()), "error"), "email-already-in-use");

  config_.oauth_link_verified_email = true;
  github_->profile.email_verified = false;
  EXPECT_EQ(Param(Back(Begin()), "error"), "email-already-in-use");
  EXPECT_TRUE(flow_->ListIdentities(UserByEmail("ann@example.com").id)->empty());
}

TEST_F(OAuthFlowTest, SignupDisabledAndDisabledUser) {
  config_.signup_disabled = true;
  EXPECT_EQ(Param(Back(Begin()), "error"), "signup-disabled");
  config_.signup_disabled = false;
  Back(Begin());
  core::User u = UserByEmail("ann@example.com");
  u.disabled = true;
  ASSERT_TRUE(store_->users().Update(u).ok());
  EXPECT_EQ(Param(Back(Begin()), "error"), "disabled-user");
}

TEST_F(OAuthFlowTest, TotpUserGetsMfaTicket) {
  Back(Begin());
  core::User u = UserByEmail("ann@example.com");
  u.active_mfa_type = "totp";
  ASSERT_TRUE(store_->users().Update(u).ok());
  const std::string url = Back(Begin());
  EXPECT_TRUE(Param(url, "refreshToken").empty());
  EXPECT_TRUE(StartsWith(Param(url, "mfaTicket"), "mfaTotp:")) << url;
  // A grant request ends the same way: the second factor comes first.
  OAuthStart s;
  s.grant = true;
  EXPECT_FALSE(Param(Back(Begin(s)), "mfaTicket").empty());
}

TEST_F(OAuthFlowTest, GrantIsSingleUseAndExpires) {
  OAuthStart s;
  s.grant = true;
  std::string url = Back(Begin(s));
  EXPECT_TRUE(Param(url, "refreshToken").empty()) << url;
  const std::string grant = Param(url, "grant");
  ASSERT_FALSE(grant.empty()) << url;
  auto out = flow_->RedeemGrant(grant, client_);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->session.has_value());
  EXPECT_EQ(out->user.email, "ann@example.com");
  EXPECT_EQ(flow_->RedeemGrant(grant, client_).error().code, core::errc::kInvalidTicket);
  EXPECT_EQ(flow_->RedeemGrant("", client_).error().code, core::errc::kInvalidTicket);

  const std::string late = Param(Back(Begin(s)), "grant");
  clock_.AdvanceSeconds(config_.oauth_grant_ttl_seconds);
  EXPECT_EQ(flow_->RedeemGrant(late, client_).error().code, core::errc::kInvalidTicket);
}

TEST_F(OAuthFlowTest, ConnectLinksToTheSignedInUser) {
  SessionGrant me = SignUp("me@example.com");
  OAuthStart s;
  s.provider = "github";
  s.connect = me.access_token;
  s.options.redirect_to = "https://app.test/settings";
  const std::string url = Back(Begin(s));
  EXPECT_EQ(url, "https://app.test/settings");
  auto ids = flow_->ListIdentities(me.user.id);
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].email, "ann@example.com");
  EXPECT_FALSE(store_->users().FindByEmail("ann@example.com")->has_value());

  // The same identity cannot be connected to a second account.
  SessionGrant other = SignUp("other@example.com");
  s.connect = other.access_token;
  EXPECT_EQ(Param(Back(Begin(s)), "error"), "invalid-request");

  s.connect = "not-a-token";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kInvalidToken);
  config_.anonymous_signin_enabled = true;
  auto anon = anonymous_->SignIn({});
  ASSERT_TRUE(anon.ok()) << anon.error().message;
  s.connect = anon->session->access_token;
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kForbiddenAnonymous);
}

TEST_F(OAuthFlowTest, IdTokenSignInChecksProviderTokenAndNonce) {
  IdTokenSignIn r;
  r.provider = "google";
  r.id_token = "good-id-token";
  r.nonce = "app-nonce";
  r.client = client_;
  auto out = flow_->SignInWithIdToken(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->session.has_value());
  EXPECT_EQ(out->user.email, "ann@example.com");
  // The same identity again: the same user.
  EXPECT_EQ(flow_->SignInWithIdToken(r)->user.id, out->user.id);

  r.nonce = "other";
  EXPECT_EQ(flow_->SignInWithIdToken(r).error().code, core::errc::kInvalidToken);
  r.nonce.reset();
  r.id_token = "forged";
  EXPECT_EQ(flow_->SignInWithIdToken(r).error().code, core::errc::kInvalidToken);
  r.provider = "github";  // no ID tokens
  EXPECT_EQ(flow_->SignInWithIdToken(r).error().code, core::errc::kDisabledEndpoint);
  r.provider = "google";
  r.id_token = "good-id-token";
  r.options.default_role = "admin";
  EXPECT_EQ(flow_->SignInWithIdToken(r).error().code, core::errc::kDefaultRoleNotAllowed);
}

TEST_F(OAuthFlowTest, LinkIdTokenAndLinkedElsewhere) {
  SessionGrant me = SignUp("me@example.com");
  ASSERT_TRUE(flow_->LinkIdToken(me.user.id, "google", "good-id-token", std::nullopt).ok());
  ASSERT_TRUE(flow_->LinkIdToken(me.user.id, "google", "good-id-token", std::nullopt).ok());
  EXPECT_EQ(flow_->ListIdentities(me.user.id)->size(), 1u);
  SessionGrant other = SignUp("other@example.com");
  auto r = flow_->LinkIdToken(other.user.id, "google", "good-id-token", std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidRequest);
  EXPECT_EQ(flow_->LinkIdToken(me.user.id, "google", "forged", std::nullopt).error().code,
            core::errc::kInvalidToken);
}

TEST_F(OAuthFlowTest, UnlinkNeverRemovesTheLastWayIn) {
  Back(Begin());  // a user whose only way in is GitHub
  const std::string id = UserByEmail("ann@example.com").id;
  EXPECT_EQ(flow_->Unlink(id, "github").error().code, core::errc::kInvalidRequest);
  EXPECT_EQ(flow_->Unlink(id, "google").error().code, core::errc::kInvalidRequest);

  // With a second provider, one may go.
  ASSERT_TRUE(flow_->LinkIdToken(id, "google", "good-id-token", std::nullopt).ok());
  ASSERT_TRUE(flow_->Unlink(id, "github").ok());
  EXPECT_EQ(flow_->Unlink(id, "google").error().code, core::errc::kInvalidRequest);

  // A verified email with magic links on is a way in.
  config_.email_passwordless_enabled = true;
  ASSERT_TRUE(flow_->Unlink(id, "google").ok());
  EXPECT_TRUE(flow_->ListIdentities(id)->empty());
}

TEST_F(OAuthFlowTest, SignUpLinkAndUnlinkAreAudited) {
  Back(Begin());
  const std::string id = UserByEmail("ann@example.com").id;
  ASSERT_TRUE(flow_->LinkIdToken(id, "google", "good-id-token", std::nullopt).ok());
  ASSERT_TRUE(flow_->Unlink(id, "google").ok());
  auto events = store_->audit().ListForUser(id, 10);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> types;
  for (const auto& ev : *events) types.push_back(ev.type);
  for (const char* want : {"signup-oauth", "oauth-linked", "oauth-unlinked"})
    EXPECT_NE(std::find(types.begin(), types.end(), want), types.end()) << want;
}

TEST_F(OAuthFlowTest, UnlinkWithPassword) {
  SessionGrant me = SignUp("me@example.com");
  ASSERT_TRUE(flow_->LinkIdToken(me.user.id, "google", "good-id-token", std::nullopt).ok());
  ASSERT_TRUE(flow_->Unlink(me.user.id, "google").ok());
  EXPECT_TRUE(flow_->ListIdentities(me.user.id)->empty());
}

}  // namespace
}  // namespace gh::auth

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
#include "crypto/hash.h"
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

// What a callback outcome carries; "" when it does not.
std::string ErrorOf(const OAuthOutcome& o) { return o.error ? o.error->code : ""; }
std::string DescriptionOf(const OAuthOutcome& o) { return o.error ? o.error->message : ""; }
std::string RefreshOf(const OAuthOutcome& o) { return o.session ? o.session->refresh_token : ""; }
std::string MfaOf(const OAuthOutcome& o) { return o.mfa ? o.mfa->ticket : ""; }
std::string GrantOf(const OAuthOutcome& o) { return o.grant; }

}  // namespace

// For failure messages (ADL finds it here, beside the type).
std::ostream& operator<<(std::ostream& os, const OAuthOutcome& o) {
  return os << "outcome " << static_cast<int>(o.kind) << " to " << o.redirect_to << " "
            << ErrorOf(o) << " " << DescriptionOf(o);
}

namespace {

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

class OAuthFlowTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    options_.proof.email_verification_required = false;  // as FlowTest's flows
    options_.users.redirects.client_url = "https://app.test";
    options_.users.allowed_locales = {"en", "fr"};
    auto github = std::make_unique<FakeProvider>("github", true, false);
    auto google = std::make_unique<FakeProvider>("google", true, true);
    github_ = github.get();
    google_ = google.get();
    std::vector<std::unique_ptr<oauth::Provider>> providers;
    providers.push_back(std::move(github));
    providers.push_back(std::move(google));
    catalogue_ = std::make_unique<oauth::Catalogue>(std::move(providers));
    flow_ = std::make_unique<OAuthFlow>(*store_, clock_, options_, *tokens_, *sessions_,
                                        catalogue_.get(), "test-key-material-0123456789abcdef");
  }

  // Starts a sign-in and returns the state the provider was given.
  std::string Begin(OAuthStart start = {}) {
    if (start.provider.empty()) start.provider = "github";
    if (start.links == nullptr) start.links = &style_;
    auto url = flow_->Start(start);
    EXPECT_TRUE(url.ok()) << (url.ok() ? "" : url.error().message);
    FakeProvider* p = start.provider == "google" ? google_ : github_;
    return p->authorize.state;
  }

  // The callback names no style: the request's own callback URL must serve.
  OAuthOutcome Back(const std::string& state, const std::string& code = "good-code",
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
  OAuthOptions options_;
  std::unique_ptr<OAuthFlow> flow_;
};

TEST_F(OAuthFlowTest, StartRefusesUnknownProviderBadRedirectAndBadOptions) {
  OAuthStart s;
  s.links = &style_;
  s.provider = "myspace";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kDisabledEndpoint);

  s.provider = "github";
  s.options.redirect_to = "https://evil.test/";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kRedirectNotAllowed);

  s.options.redirect_to.reset();
  s.options.allowed_roles = std::vector<std::string>{"admin"};
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kRoleNotAllowed);

  OAuthFlow none(*store_, clock_, options_, *tokens_, *sessions_, nullptr, "k");
  OAuthStart github;
  github.provider = "github";
  EXPECT_EQ(none.Start(github).error().code, core::errc::kDisabledEndpoint);
}

TEST_F(OAuthFlowTest, StartSendsStatePkceNonceAndOurCallback) {
  OAuthStart s;
  s.links = &style_;
  s.provider = "google";
  s.extra = {{"prompt", "consent"}};
  auto url = flow_->Start(s);
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(StartsWith(*url, "https://idp.test/authorize"));
  const auto& a = google_->authorize;
  EXPECT_GE(a.state.size(), 43u);
  EXPECT_EQ(a.redirect_uri, "https://auth.example.com/alt/callback/google");  // the request's style
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
  s.links = &style_;
  s.options.redirect_to = "https://app.test/after";
  s.options.metadata_json = R"({"plan":"pro"})";
  const OAuthOutcome url = Back(Begin(s));
  EXPECT_EQ(url.kind, OAuthOutcome::Kind::kSession) << url;
  EXPECT_EQ(url.redirect_to, "https://app.test/after");
  EXPECT_TRUE(LooksLikeRefreshToken(RefreshOf(url)));

  core::User u = UserByEmail("ann@example.com");
  EXPECT_TRUE(u.email_verified());
  EXPECT_EQ(u.display_name, "Ann Admin");  // characters a display name refuses dropped
  EXPECT_EQ(u.avatar_url, "https://img.test/ann.png");
  EXPECT_EQ(u.locale, "fr");
  EXPECT_EQ(u.metadata_json, R"({"plan":"pro"})");
  EXPECT_FALSE(u.password_hash.has_value());
  EXPECT_EQ(u.app_metadata_json, R"({"provider":"github","providers":["github"]})");
  EXPECT_TRUE(u.last_sign_in_at.has_value());
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
  s.links = &style_;
  s.options.display_name = "Annie";
  Back(Begin(s));
  core::User u = UserByEmail("ann@example.com");
  EXPECT_EQ(u.display_name, "Annie");
  EXPECT_EQ(u.locale, options_.users.default_locale);
  EXPECT_FALSE(u.email_verified());
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
  const OAuthOutcome url = Back(Begin());
  EXPECT_FALSE(RefreshOf(url).empty()) << url;
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
    OAuthOutcome url_a, url_b;
    std::thread other([&] { url_b = Back(b); });
    url_a = Back(a);
    other.join();
    github_->before_profile = nullptr;
    const std::string token_a = RefreshOf(url_a);
    const std::string token_b = RefreshOf(url_b);
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
  s.links = &style_;
  s.options.redirect_to = "https://app.test/x";
  const std::string state = Begin(s);
  const OAuthOutcome first = Back(state);
  EXPECT_EQ(first.redirect_to, "https://app.test/x");
  EXPECT_FALSE(RefreshOf(first).empty()) << first;
  const OAuthOutcome replay = Back(state);
  EXPECT_EQ(replay.redirect_to, "https://app.test") << replay;  // no trusted target
  EXPECT_EQ(ErrorOf(replay), "invalid-state");
  EXPECT_FALSE(DescriptionOf(replay).empty());

  EXPECT_EQ(ErrorOf(Back(Begin() + "x")), "invalid-state");
  EXPECT_EQ(ErrorOf(Back("")), "invalid-state");
  // A state minted for GitHub presented at Google's callback is spent and refused.
  const std::string spliced = Begin();
  EXPECT_EQ(ErrorOf(Back(spliced, "good-code", "google")), "invalid-state");
  EXPECT_EQ(ErrorOf(Back(spliced)), "invalid-state");
}

TEST_F(OAuthFlowTest, BoundStateWorksOnlyWithItsBrowsersBinding) {
  OAuthStart s;
  s.links = &style_;
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
  EXPECT_EQ(ErrorOf(back("")), "invalid-state");
  EXPECT_EQ(ErrorOf(back(OAuthFlow::NewBinding())), "invalid-state");
  const OAuthOutcome url = back(s.binding);
  EXPECT_FALSE(RefreshOf(url).empty()) << url;
  EXPECT_EQ(ErrorOf(back(s.binding)), "invalid-state");  // and once only
  EXPECT_FALSE(OAuthFlow::LooksLikeBinding("short"));
  EXPECT_FALSE(OAuthFlow::LooksLikeBinding(std::string(43, '=')));
}

TEST_F(OAuthFlowTest, ExpiredRequestIsInvalidState) {
  const std::string state = Begin();
  clock_.AdvanceSeconds(options_.oauth_request_ttl_seconds + 1);
  EXPECT_EQ(ErrorOf(Back(state)), "invalid-state");
}

TEST_F(OAuthFlowTest, ExchangeFailureAndProviderErrorGoToRedirectTo) {
  OAuthStart s;
  s.links = &style_;
  s.options.redirect_to = "https://app.test/cb";
  OAuthOutcome url = Back(Begin(s), "bad-code");
  EXPECT_EQ(url.redirect_to, "https://app.test/cb") << url;
  EXPECT_EQ(ErrorOf(url), "oauth-token-echange-failed");

  OAuthCallback cb;
  cb.provider = "github";
  cb.state = Begin(s);
  cb.error = "access_denied";
  cb.error_description = "The user said no";
  url = flow_->Callback(cb);
  EXPECT_EQ(ErrorOf(url), "oauth-provider-error");
  EXPECT_EQ(DescriptionOf(url), "The user said no");
  EXPECT_EQ(store_->users().Count().value(), 0);
}

TEST_F(OAuthFlowTest, VerifiedEmailLinksToExistingAccount) {
  SignUp("ann@example.com");  // email unverified (verification off in the fixture)
  const core::User before = UserByEmail("ann@example.com");
  const OAuthOutcome url = Back(Begin());
  EXPECT_FALSE(RefreshOf(url).empty()) << url;
  EXPECT_EQ(store_->users().Count().value(), 1);
  core::User after = UserByEmail("ann@example.com");
  EXPECT_EQ(after.id, before.id);
  EXPECT_TRUE(after.email_verified());
  // Verification is not required here: the operator accepts unproven
  // addresses, and the password keeps working.
  EXPECT_TRUE(after.password_hash.has_value());
  EXPECT_EQ(flow_->ListIdentities(after.id)->size(), 1u);
}

TEST_F(OAuthFlowTest, WithVerificationRequiredAnUnprovenPasswordIsDropped) {
  SignUp("ann@example.com");  // unverified: the password was never usable
  options_.proof.email_verification_required = true;
  const OAuthOutcome url = Back(Begin());
  EXPECT_FALSE(RefreshOf(url).empty()) << url;
  core::User after = UserByEmail("ann@example.com");
  EXPECT_TRUE(after.email_verified());
  EXPECT_FALSE(after.password_hash.has_value());
}

TEST_F(OAuthFlowTest, VerifiedAccountKeepsItsPasswordWhenLinked) {
  SignUp("ann@example.com");
  core::User u = UserByEmail("ann@example.com");
  u.email_confirmed_at = clock_.NowMillis();
  ASSERT_TRUE(store_->users().Update(u).ok());
  Back(Begin());
  EXPECT_TRUE(UserByEmail("ann@example.com").password_hash.has_value());
}

TEST_F(OAuthFlowTest, LinkingOffOrUnverifiedProviderEmailDoesNotLink) {
  SignUp("ann@example.com");
  options_.oauth_link_verified_email = false;
  EXPECT_EQ(ErrorOf(Back(Begin())), "email-already-in-use");

  options_.oauth_link_verified_email = true;
  github_->profile.email_verified = false;
  EXPECT_EQ(ErrorOf(Back(Begin())), "email-already-in-use");
  EXPECT_TRUE(flow_->ListIdentities(UserByEmail("ann@example.com").id)->empty());
}

TEST_F(OAuthFlowTest, SignupDisabledAndDisabledUser) {
  options_.signup_disabled = true;
  EXPECT_EQ(ErrorOf(Back(Begin())), "signup-disabled");
  options_.signup_disabled = false;
  Back(Begin());
  core::User u = UserByEmail("ann@example.com");
  u.disabled = true;
  ASSERT_TRUE(store_->users().Update(u).ok());
  EXPECT_EQ(ErrorOf(Back(Begin())), "disabled-user");
}

TEST_F(OAuthFlowTest, TotpUserGetsMfaTicket) {
  Back(Begin());
  GiveVerifiedFactor(UserByEmail("ann@example.com").id);
  const OAuthOutcome url = Back(Begin());
  EXPECT_TRUE(RefreshOf(url).empty());
  EXPECT_TRUE(StartsWith(MfaOf(url), "mfaTotp:")) << url;
  // A grant request ends the same way: the second factor comes first.
  OAuthStart s;
  s.links = &style_;
  s.grant = true;
  EXPECT_FALSE(MfaOf(Back(Begin(s))).empty());
}

TEST_F(OAuthFlowTest, GrantIsSingleUseAndExpires) {
  OAuthStart s;
  s.links = &style_;
  s.grant = true;
  OAuthOutcome url = Back(Begin(s));
  EXPECT_TRUE(RefreshOf(url).empty()) << url;
  const std::string grant = GrantOf(url);
  ASSERT_FALSE(grant.empty()) << url;
  auto out = flow_->RedeemGrant(grant, client_);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->session.has_value());
  EXPECT_EQ(out->user.email, "ann@example.com");
  EXPECT_EQ(flow_->RedeemGrant(grant, client_).error().code, core::errc::kInvalidTicket);
  EXPECT_EQ(flow_->RedeemGrant("", client_).error().code, core::errc::kInvalidTicket);

  const std::string late = GrantOf(Back(Begin(s)));
  clock_.AdvanceSeconds(options_.oauth_grant_ttl_seconds);
  EXPECT_EQ(flow_->RedeemGrant(late, client_).error().code, core::errc::kGrantExpired);
  EXPECT_EQ(flow_->RedeemGrant(late, client_).error().code, core::errc::kInvalidTicket);
}

// GoTrue's PKCE: the app's challenge at the start, its verifier at the
// redemption; the callback's code alone is worth nothing.
TEST_F(OAuthFlowTest, PkceGrantNeedsTheAppsVerifier) {
  const std::string verifier = "app-verifier-0123456789-0123456789-0123456789";
  OAuthStart s;
  s.links = &style_;
  s.code_challenge = crypto::Base64UrlEncode(crypto::Sha256(verifier));
  s.code_challenge_method = "S256";
  auto redeem = [&](const std::string& code, std::optional<std::string> v) {
    GrantRedemption r;
    r.code = code;
    r.code_verifier = std::move(v);
    r.client = client_;
    return flow_->Redeem(r);
  };
  // A challenge makes the callback answer a grant, not a session.
  OAuthOutcome url = Back(Begin(s));
  ASSERT_EQ(url.kind, OAuthOutcome::Kind::kGrant) << url;
  EXPECT_EQ(redeem(url.grant, "wrong-verifier-0123456789-0123456789-01234567").error().code,
            core::errc::kBadCodeVerifier);
  // A wrong verifier spends the code.
  EXPECT_EQ(redeem(url.grant, verifier).error().code, core::errc::kInvalidTicket);

  url = Back(Begin(s));
  EXPECT_EQ(redeem(url.grant, std::nullopt).error().code, core::errc::kBadCodeVerifier);
  url = Back(Begin(s));
  auto out = redeem(url.grant, verifier);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->sign_in.session.has_value());
  EXPECT_EQ(out->provider_access_token, "provider-access");
  EXPECT_EQ(out->provider_refresh_token, "provider-refresh");

  // A plain challenge is the verifier itself.
  s.code_challenge = verifier;
  s.code_challenge_method = "plain";
  EXPECT_TRUE(redeem(Back(Begin(s)).grant, verifier).ok());

  // A grant without a challenge does not take a verifier.
  OAuthStart g;
  g.links = &style_;
  g.grant = true;
  EXPECT_EQ(redeem(Back(Begin(g)).grant, verifier).error().code, core::errc::kBadCodeVerifier);

  // Malformed challenges are refused at the start, before the provider.
  s.provider = "github";
  s.code_challenge = "short";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kInvalidRequest);
  s.code_challenge = verifier;
  s.code_challenge_method = "md5";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kInvalidRequest);
  s.code_challenge_method = "";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kInvalidRequest);
}

// Under the step-up policy a TOTP user's grant redeems to an aal1 session, and
// a callback that names no provider takes the state's.
TEST_F(OAuthFlowTest, StepUpPolicyGrantsTotpUsersAndCallbackNeedsNoProvider) {
  Back(Begin());
  GiveVerifiedFactor(UserByEmail("ann@example.com").id);
  const SecondFactorPolicy step_up = SecondFactorPolicy::kStepUp;
  OAuthStart s;
  s.links = &style_;
  s.grant = true;
  OAuthCallback cb;
  cb.state = Begin(s);
  cb.code = "good-code";
  cb.client = client_;
  cb.second_factor = &step_up;
  const OAuthOutcome url = flow_->Callback(cb);
  ASSERT_EQ(url.kind, OAuthOutcome::Kind::kGrant) << url;
  GrantRedemption r;
  r.code = url.grant;
  r.client = client_;
  r.second_factor = &step_up;
  auto out = flow_->Redeem(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->sign_in.session.has_value());
  EXPECT_TRUE(out->sign_in.step_up.has_value());

  // The implicit flow carries the provider's tokens with the session.
  cb.state = Begin();
  const OAuthOutcome session = flow_->Callback(cb);
  ASSERT_EQ(session.kind, OAuthOutcome::Kind::kSession) << session;
  EXPECT_EQ(session.provider_access_token, "provider-access");
}

TEST_F(OAuthFlowTest, ScopesReachTheProvider) {
  OAuthStart s;
  s.links = &style_;
  s.scopes = {"repo", "read:org"};
  Begin(s);
  EXPECT_EQ(github_->authorize.scopes, s.scopes);
}

TEST_F(OAuthFlowTest, ManualLinkingOffRefusesEveryLinkingCall) {
  SessionGrant me = SignUp("me@example.com");
  ASSERT_TRUE(flow_->LinkIdToken(me.user.id, "google", "good-id-token", std::nullopt).ok());
  options_.manual_linking_enabled = false;
  OAuthStart s;
  s.links = &style_;
  s.provider = "github";
  s.connect = me.access_token;
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kManualLinkingDisabled);
  EXPECT_EQ(flow_->LinkIdToken(me.user.id, "google", "good-id-token", std::nullopt).error().code,
            core::errc::kManualLinkingDisabled);
  EXPECT_EQ(flow_->Unlink(me.user.id, "google").error().code, core::errc::kManualLinkingDisabled);
  // Signing in is not linking.
  EXPECT_EQ(Back(Begin()).kind, OAuthOutcome::Kind::kSession);
}

TEST_F(OAuthFlowTest, UnlinkIdentityById) {
  SessionGrant me = SignUp("me@example.com");
  ASSERT_TRUE(flow_->LinkIdToken(me.user.id, "google", "good-id-token", std::nullopt).ok());
  auto ids = flow_->ListIdentities(me.user.id);
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ(flow_->UnlinkIdentity(me.user.id, me.user.id).error().code,
            core::errc::kIdentityNotFound);
  SessionGrant other = SignUp("other@example.com");
  EXPECT_EQ(flow_->UnlinkIdentity(other.user.id, (*ids)[0].id).error().code,
            core::errc::kIdentityNotFound);
  ASSERT_TRUE(flow_->UnlinkIdentity(me.user.id, (*ids)[0].id).ok());
  EXPECT_TRUE(flow_->ListIdentities(me.user.id)->empty());
}

TEST_F(OAuthFlowTest, ConnectLinksToTheSignedInUser) {
  SessionGrant me = SignUp("me@example.com");
  OAuthStart s;
  s.links = &style_;
  s.provider = "github";
  s.connect = me.access_token;
  s.options.redirect_to = "https://app.test/settings";
  const OAuthOutcome url = Back(Begin(s));
  EXPECT_EQ(url.kind, OAuthOutcome::Kind::kLinked) << url;
  EXPECT_EQ(url.redirect_to, "https://app.test/settings");
  auto ids = flow_->ListIdentities(me.user.id);
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].email, "ann@example.com");
  EXPECT_FALSE(store_->users().FindByEmail("ann@example.com")->has_value());

  // The same identity cannot be connected to a second account.
  SessionGrant other = SignUp("other@example.com");
  s.connect = other.access_token;
  EXPECT_EQ(ErrorOf(Back(Begin(s))), "identity-linked-elsewhere");

  s.connect = "not-a-token";
  EXPECT_EQ(flow_->Start(s).error().code, core::errc::kInvalidToken);
  anonymous_options_.anonymous_signin_enabled = true;
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
  EXPECT_EQ(r.error().code, core::errc::kIdentityLinkedElsewhere);
  EXPECT_EQ(flow_->LinkIdToken(me.user.id, "google", "forged", std::nullopt).error().code,
            core::errc::kInvalidToken);
}

TEST_F(OAuthFlowTest, UnlinkNeverRemovesTheLastWayIn) {
  Back(Begin());  // a user whose only way in is GitHub
  const std::string id = UserByEmail("ann@example.com").id;
  EXPECT_EQ(flow_->Unlink(id, "github").error().code, core::errc::kLastIdentity);
  EXPECT_EQ(flow_->Unlink(id, "google").error().code, core::errc::kIdentityNotFound);

  // With a second provider, one may go.
  ASSERT_TRUE(flow_->LinkIdToken(id, "google", "good-id-token", std::nullopt).ok());
  ASSERT_TRUE(flow_->Unlink(id, "github").ok());
  EXPECT_EQ(flow_->Unlink(id, "google").error().code, core::errc::kLastIdentity);

  // A verified email with magic links on is a way in.
  options_.email_passwordless_enabled = true;
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
  auto app_metadata = [&] {
    return store_->users().FindById(me.user.id)->value().app_metadata_json;
  };
  EXPECT_EQ(app_metadata(), R"({"provider":"email","providers":["email"]})");
  ASSERT_TRUE(flow_->LinkIdToken(me.user.id, "google", "good-id-token", std::nullopt).ok());
  EXPECT_EQ(app_metadata(), R"({"provider":"email","providers":["email","google"]})");
  ASSERT_TRUE(flow_->Unlink(me.user.id, "google").ok());
  EXPECT_TRUE(flow_->ListIdentities(me.user.id)->empty());
  EXPECT_EQ(app_metadata(), R"({"provider":"email","providers":["email"]})");
}

// The redirect_uri is written by the style of the request that started the
// sign-in and kept with it: the provider gets the same one at the exchange,
// whichever style the callback's request names, and two sign-ins in two
// styles at once each keep their own.
TEST_F(OAuthFlowTest, CallbackUrlFollowsTheStyleThatStartedTheSignIn) {
  AltLinks other("https://other.example.net");
  OAuthStart theirs;
  theirs.provider = "google";
  theirs.links = &other;
  const std::string state = Begin(theirs);
  EXPECT_EQ(google_->authorize.redirect_uri, "https://other.example.net/alt/callback/google");
  OAuthCallback cb;
  cb.provider = "google";
  cb.state = state;
  cb.code = "good-code";
  cb.client = client_;
  cb.links = &style_;
  const OAuthOutcome out = flow_->Callback(cb);
  EXPECT_EQ(out.kind, OAuthOutcome::Kind::kSession) << out;
  EXPECT_EQ(google_->exchanged.redirect_uri, "https://other.example.net/alt/callback/google");

  const std::string a = Begin(theirs);
  OAuthStart mine;
  mine.provider = "google";
  const std::string b = Begin(mine);
  EXPECT_EQ(google_->authorize.redirect_uri, "https://auth.example.com/alt/callback/google");
  EXPECT_FALSE(RefreshOf(Back(a, "good-code", "google")).empty());
  EXPECT_EQ(google_->exchanged.redirect_uri, "https://other.example.net/alt/callback/google");
  EXPECT_FALSE(RefreshOf(Back(b, "good-code", "google")).empty());
  EXPECT_EQ(google_->exchanged.redirect_uri, "https://auth.example.com/alt/callback/google");

  OAuthStart none;
  none.provider = "github";
  none.links = nullptr;
  auto refused = flow_->Start(none);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kInternal);
}

// A request stored before requests kept their callback URL (a sign-in under
// way across an upgrade) is finished with the URL of the callback's style.
TEST_F(OAuthFlowTest, RequestWithoutStoredCallbackUrlUsesTheCallbacksStyle) {
  AltLinks other("https://other.example.net");
  auto store_old = [&](const std::string& state) {
    store::OAuthRequest old;
    old.state_hash = crypto::Sha256Hex(state);
    old.provider = "github";
    old.redirect_to = "https://app.test";
    old.options_json = "{}";
    old.created_at = clock_.NowMillis();
    old.expires_at = old.created_at + 60'000;
    ASSERT_TRUE(store_->oauth().InsertRequest(old).ok());
  };
  store_old("old-state");
  OAuthCallback cb;
  cb.provider = "github";
  cb.state = "old-state";
  cb.code = "good-code";
  cb.client = client_;
  cb.links = &other;
  const OAuthOutcome out = flow_->Callback(cb);
  EXPECT_EQ(out.kind, OAuthOutcome::Kind::kSession) << out;
  EXPECT_EQ(github_->exchanged.redirect_uri, "https://other.example.net/alt/callback/github");

  store_old("older-state");
  cb.state = "older-state";
  cb.links = nullptr;
  const OAuthOutcome lost = flow_->Callback(cb);
  EXPECT_EQ(ErrorOf(lost), core::errc::kInternal) << lost;
  EXPECT_EQ(lost.redirect_to, "https://app.test");
}

// A request stored by 0.1.0 named its options as the native request does; one
// started before an upgrade and finished after it keeps them.
TEST_F(OAuthFlowTest, RequestStoredWithTheOldOptionNamesKeepsItsOptions) {
  store::OAuthRequest old;
  old.state_hash = crypto::Sha256Hex("old-names");
  old.provider = "github";
  old.redirect_to = "https://app.test";
  old.options_json = R"({"displayName":"Old Name","metadata":"{\"plan\":\"pro\"}",)"
                     R"("callbackUrl":"https://other.example.net/alt/callback/github"})";
  old.created_at = clock_.NowMillis();
  old.expires_at = old.created_at + 60'000;
  ASSERT_TRUE(store_->oauth().InsertRequest(old).ok());
  OAuthCallback cb;
  cb.provider = "github";
  cb.state = "old-names";
  cb.code = "good-code";
  cb.client = client_;
  cb.links = &style_;
  const OAuthOutcome out = flow_->Callback(cb);
  ASSERT_EQ(out.kind, OAuthOutcome::Kind::kSession) << out;
  EXPECT_EQ(github_->exchanged.redirect_uri, "https://other.example.net/alt/callback/github");
  core::User u = UserByEmail("ann@example.com");
  EXPECT_EQ(u.display_name, "Old Name");
  EXPECT_EQ(u.metadata_json, R"({"plan":"pro"})");
}

}  // namespace
}  // namespace gh::auth

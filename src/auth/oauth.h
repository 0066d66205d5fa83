// auth::OAuthFlow: sign-in and sign-up through OAuth 2.0 / OpenID Connect
// providers (the redirect dance and native apps' ID tokens), linking further
// providers to a signed-in user, and unlinking them.
//
// The redirect dance: Start stores the request (keyed by the SHA-256 of a
// random `state`, with the PKCE verifier, nonce, the app's redirect target,
// the sign-up options and the callback URL the request's LinkStyle wrote;
// single-use, expiring after oauth_request_ttl_seconds) and returns the
// provider's URL. Callback takes that request back (a replayed, tampered or
// expired state finds nothing), trades the code for tokens, reads the profile
// and settles who the person is:
//   - an identity already linked: that user;
//   - a new identity whose provider vouches for the email, an account with that
//     email, and oauth_link_verified_email on: linked to that account;
//   - otherwise a new user (unless sign-up is disabled), whose name, avatar,
//     locale and email come from the profile when the options gave none.
// Callback returns an OAuthOutcome: a session, an MFA challenge (a TOTP user),
// a grant (a one-time code for RedeemGrant, when the app asked for it; keeps
// long-lived tokens out of URLs), a linked identity, or an error, with the app
// URL the browser goes back to. The dialect writes that redirect.
//
// An app may run PKCE (RFC 7636) with us as well (GoTrue's flow): the start
// carries its code_challenge, the callback then answers a grant, and redeeming
// it needs the matching code_verifier, so a code intercepted on its way to the
// app is worthless. The grant is kept in the store: any instance redeems it,
// once, within oauth_grant_ttl_seconds.
//
// The provider's access and refresh tokens are kept on the identity, sealed
// with crypto::SecretBox under the server's key (the MFA key material).
//
// Thread-safe. Calls block on the store and on the providers: worker threads only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/address_proof.h"
#include "auth/links.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "auth/user_options.h"
#include "core/clock.h"
#include "core/types.h"
#include "crypto/secretbox.h"
#include "oauth/provider.h"
#include "store/store.h"

namespace gh::auth {

struct OAuthStart {
  std::string provider;
  SignUpOptions options;               // redirect_to included; checked up front
  std::optional<std::string> connect;  // a signed-in user's access token: link, don't sign in
  bool grant = false;                  // answer with a one-time grant code, not a session
  // A secret the browser keeps (a cookie) and must show again at the callback;
  // empty = the state alone suffices.
  std::string binding;
  std::vector<std::pair<std::string, std::string>> extra;  // provider-specific query params
  // Scopes to ask the provider for besides its configured ones.
  std::vector<std::string> scopes;
  // The app's PKCE challenge and its method ("s256" or "plain", any case);
  // both empty = none. With one, the callback answers a grant (as `grant`)
  // that only the matching verifier redeems.
  std::string code_challenge;
  std::string code_challenge_method;
  // Writes the callback URL the provider returns to (the requesting dialect's
  // style); required. The request keeps the URL it wrote.
  const LinkStyle* links = nullptr;
};

// What came back to the callback (query string or Apple's form POST).
struct OAuthCallback {
  std::string provider;  // empty: the one the state was issued for (one callback for all)
  std::string state;
  std::string code;
  std::string id_token;
  std::string user_json;
  std::string error;
  std::string error_description;
  std::string binding;  // what the browser showed of OAuthStart::binding
  core::ClientInfo client;
  // The receiving dialect's policy for a user with a second factor (the
  // session service's default when null). With kStepUp a grant is issued to
  // such a user too: redeeming it answers an aal1 session.
  const SecondFactorPolicy* second_factor = nullptr;
  // The receiving dialect's style: the callback URL for a request stored
  // before requests kept their own (may be null otherwise).
  const LinkStyle* links = nullptr;
};

// Where Callback sends the browser, for the dialect to write as a redirect.
struct OAuthOutcome {
  enum class Kind {
    kSession,  // signed in: `session`
    kMfa,      // a second factor is due first: `mfa`
    kGrant,    // signed in, to be redeemed by the app: `grant` (RedeemGrant)
    kLinked,   // a provider was linked to a signed-in user (connect): nothing to carry
    kError,    // `error`
  };
  Kind kind = Kind::kError;
  // The app URL the browser goes back to: the request's checked redirect
  // target, or client_url when the request is unknown (no trusted target then).
  std::string redirect_to;
  std::optional<SessionGrant> session;
  std::optional<MfaChallenge> mfa;
  std::string grant;
  // kSession: what the provider handed us, for a dialect that passes them on
  // to the app (GoTrue's provider_token); empty when the provider sent none.
  std::string provider_access_token;
  std::string provider_refresh_token;
  std::optional<core::Error> error;
};

// A grant code to trade for a session.
struct GrantRedemption {
  std::string code;
  // Required for a grant issued with a code challenge, refused for one without.
  std::optional<std::string> code_verifier;
  core::ClientInfo client;
  const SecondFactorPolicy* second_factor = nullptr;  // as OAuthCallback's
};

struct RedeemedGrant {
  SignInOutcome sign_in;
  // The provider's tokens kept on the identity the grant signed in with
  // (opened); empty when there are none.
  std::string provider_access_token;
  std::string provider_refresh_token;
};

struct IdTokenSignIn {
  std::string provider;
  std::string id_token;
  std::optional<std::string> nonce;
  SignUpOptions options;
  core::ClientInfo client;
  const SecondFactorPolicy* second_factor = nullptr;  // the session service's default when null
};

// The settings OAuthFlow reads. Defaults are the settings' defaults.
struct OAuthOptions {
  int oauth_request_ttl_seconds = 600;
  int oauth_grant_ttl_seconds = 60;
  bool oauth_link_verified_email = true;
  // Linking and unlinking providers while signed in (connect, LinkIdToken,
  // Unlink, UnlinkIdentity); off = manual-linking-disabled.
  bool manual_linking_enabled = true;
  bool signup_disabled = false;
  // Whether an unlinked account still has a way in without a password.
  bool email_passwordless_enabled = false;
  bool email_otp_enabled = false;
  bool sms_passwordless_enabled = false;
  ProofPolicy proof;
  NewUserPolicy users;  // users.redirects.client_url is where the browser returns by default
  bool operator==(const OAuthOptions&) const = default;
};

// What every linking call answers while manual_linking_enabled is off.
core::Error ManualLinkingDisabled();

class OAuthFlow {
 public:
  // `catalogue` may be null (no provider configured: every call answers
  // disabled-endpoint). `key_material` seals the providers' tokens.
  // `options` must outlive the flow (it is read at each call).
  OAuthFlow(store::Store& store, const core::Clock& clock, const OAuthOptions& options,
            const TokenService& tokens, SessionService& sessions, const oauth::Catalogue* catalogue,
            std::string_view key_material);
  OAuthFlow(const OAuthFlow&) = delete;
  OAuthFlow& operator=(const OAuthFlow&) = delete;

  // The provider URL to send the browser to. Errors (nothing stored):
  // disabled-endpoint (no such enabled provider), redirectTo-not-allowed, those
  // of ApplySignUpOptions, invalid-request (a malformed code challenge),
  // manual-linking-disabled, invalid-token / forbidden-anonymous /
  // user-not-found (a bad `connect` token), oauth-provider-error (URL cannot be
  // built), internal-server-error (no `links`).
  core::Result<std::string> Start(const OAuthStart& request);

  // Always an outcome to redirect the browser with. An unknown, replayed,
  // expired or tampered state is kError invalid-state towards client_url.
  // Other error codes (towards the request's target): oauth-provider-error
  // (the provider said `error`), oauth-token-echange-failed,
  // oauth-profile-fetch-failed, invalid-token, disabled-endpoint,
  // disabled-user, signup-disabled, email-already-in-use (an account has the
  // email but may not be linked), identity-linked-elsewhere (connect: the
  // identity is another account's), internal-server-error (no callback URL known).
  OAuthOutcome Callback(const OAuthCallback& callback);

  // Trades a grant code from Callback for a session (or an MFA ticket). Single
  // use, valid oauth_grant_ttl_seconds; a wrong verifier spends it too.
  // Errors: invalid-ticket (unknown or used), grant-expired, bad-code-verifier
  // (missing, wrong, or given for a grant without a challenge), disabled-user.
  core::Result<RedeemedGrant> Redeem(const GrantRedemption& redemption);
  // Redeem without a verifier, with the service's default policy.
  core::Result<SignInOutcome> RedeemGrant(std::string_view code, const core::ClientInfo& client);

  // Native apps: signs in with an ID token the app got from the provider's SDK.
  // Errors: disabled-endpoint (provider absent or without ID tokens),
  // invalid-token (signature, issuer, audience, expiry or nonce), and the
  // sign-up errors of Callback.
  core::Result<SignInOutcome> SignInWithIdToken(const IdTokenSignIn& request);

  // Links the identity an ID token names to `user_id`. Errors: those of
  // SignInWithIdToken's verification, manual-linking-disabled,
  // identity-linked-elsewhere, user-not-found.
  core::Result<void> LinkIdToken(std::string_view user_id, std::string_view provider,
                                 std::string_view id_token, std::optional<std::string> nonce);

  core::Result<std::vector<core::Identity>> ListIdentities(std::string_view user_id);

  // Removes the user's identities at `provider`. Errors:
  // manual-linking-disabled, identity-not-found when there is none,
  // last-identity when it is the last way in (no password, no other identity,
  // no verified email or phone an enabled passwordless method accepts).
  core::Result<void> Unlink(std::string_view user_id, std::string_view provider);
  // Removes the user's identity with this id; errors as Unlink's.
  core::Result<void> UnlinkIdentity(std::string_view user_id, std::string_view identity_id);

  // A fresh secret for OAuthStart::binding, and whether a value a browser sent
  // back could be one (a browser keeps one across sign-ins, so two tabs work).
  static std::string NewBinding();
  static bool LooksLikeBinding(std::string_view value);

  // Names of the enabled providers (for the start-up banner).
  std::vector<std::string> ProviderNames() const;

  // Opens a sealed provider token (for tests and future provider API calls).
  bool OpenToken(std::string_view sealed, std::string* token) const {
    return box_.Open(sealed, token);
  }

 private:
  core::Result<oauth::Provider*> Find(std::string_view name, bool need_id_token) const;
  core::Result<OAuthOutcome> Finish(const store::OAuthRequest& request,
                                    const OAuthCallback& callback);
  // Who `profile` is (oauth_identities.cc): the existing, linked or new user,
  // with the identity created or refreshed.
  // `attempt` > 0 when settling again after losing a race to a concurrent
  // first sign-in of the same identity.
  core::Result<core::User> ResolveUser(std::string_view provider, const oauth::Profile& profile,
                                       const oauth::TokenSet& tokens, const SignUpOptions& options,
                                       const core::ClientInfo& client, int attempt = 0);
  // Adds (or refreshes) the identity on `user_id`; identity-linked-elsewhere
  // when it belongs to someone else.
  core::Result<void> Link(std::string_view user_id, std::string_view provider,
                          const oauth::Profile& profile, const oauth::TokenSet& tokens);
  core::Identity MakeIdentity(std::string_view user_id, std::string_view provider,
                              const oauth::Profile& profile, const oauth::TokenSet& tokens) const;
  void SealTokens(const oauth::TokenSet& tokens, core::Identity& identity) const;
  // Unlink and UnlinkIdentity: removes the user's identities `doomed` says,
  // `what` naming them in errors.
  core::Result<void> RemoveIdentities(std::string_view user_id, const std::string& none_message,
                                      const std::function<bool(const core::Identity&)>& doomed);
  // Best effort, as elsewhere: a failed audit write does not fail the sign-in.
  void Audit(std::string_view type, const std::string& user_id, std::string_view provider,
             const core::ClientInfo& client) const;

  store::Store& store_;
  const core::Clock& clock_;
  const OAuthOptions& options_;
  const TokenService& tokens_;
  SessionService& sessions_;
  const oauth::Catalogue* catalogue_;
  const crypto::SecretBox box_;
};

}  // namespace gh::auth

// oauth::Provider: one identity provider a user can sign in with (Google, Apple,
// Facebook, X, GitHub, Discord, or a generic OpenID Connect issuer), and
// oauth::Catalogue, the set of enabled ones built from the config.
//
// A Provider knows the provider's endpoints, scopes and how its profile maps to
// ours; it knows nothing of users, sessions or HTTP routes (auth/oauth.cc runs
// the flow: state, PKCE, linking, sessions). Each kind lives in its own file
// under oauth/providers/.
//
// Providers and the Catalogue are immutable after Create (caches inside, such as
// JWKS and OIDC discovery documents, are internally locked) and safe to share
// between threads. Calls that reach the provider block; run them on a worker.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/error.h"
#include "oauth/http_client.h"

namespace gh::oauth {

// What the authorization URL carries. The flow generates the secrets.
struct AuthorizeParams {
  std::string state;           // opaque, single-use (the flow binds it to a stored request)
  std::string redirect_uri;    // our callback URL
  std::string code_challenge;  // S256 PKCE challenge; empty when !supports_pkce()
  std::string nonce;           // for providers that issue ID tokens; empty otherwise
  std::vector<std::pair<std::string, std::string>> extra;  // provider-specific query params
  std::vector<std::string> scopes;                         // asked for besides the configured ones
};

// What came back to the callback, plus the request's secrets.
struct CallbackParams {
  std::string code;
  std::string id_token;       // Apple form_post / hybrid flows may send one directly
  std::string user_json;      // Apple's `user` form field (name on first sign-in only)
  std::string redirect_uri;   // the same one as in AuthorizeParams
  std::string code_verifier;  // PKCE verifier; empty when none was used
  std::string nonce;          // expected nonce of any ID token; empty = none expected
};

struct TokenSet {
  std::string access_token;
  std::string refresh_token;
  std::string id_token;
  std::string scope;
  int64_t expires_in = 0;  // seconds; 0 = unknown
};

// The person the provider vouches for, mapped to our fields.
struct Profile {
  std::string provider_user_id;      // `sub` / the provider's stable id
  std::optional<std::string> email;  // lower-cased; absent when the provider has none
  bool email_verified = false;       // only true when the provider says so
  std::string display_name;
  std::string avatar_url;
  std::string locale;           // two letters when the provider says; else empty
  std::string raw_json = "{}";  // the profile as received (kept on the identity)
};

class Provider {
 public:
  virtual ~Provider() = default;
  // The provider's name: how configuration, routes and identities name it.
  virtual const std::string& name() const = 0;
  virtual bool supports_pkce() const = 0;
  // True when the provider issues ID tokens (Google, Apple, generic OIDC): the
  // flow then sends a nonce, and ID-token sign-in accepts this provider.
  virtual bool supports_id_token() const = 0;
  // True when the provider answers the callback with a form POST (Apple).
  virtual bool uses_form_post() const { return false; }

  // The URL to send the browser to. Errors: oauth-provider-error when it cannot
  // be built (a generic OIDC provider whose discovery document is unreachable).
  virtual core::Result<std::string> AuthorizeUrl(const AuthorizeParams& params) = 0;
  // Trades the callback's code for tokens. Errors: oauth-token-echange-failed
  // (the provider refused the code, or answered nonsense), oauth-provider-error
  // (unreachable).
  virtual core::Result<TokenSet> ExchangeCode(const CallbackParams& params) = 0;
  // Reads the person behind `tokens`: from the ID token when there is one
  // (signature, issuer, audience, expiry and `params.nonce` checked), from the
  // profile API otherwise. Errors: oauth-profile-fetch-failed, invalid-token
  // (an ID token that does not verify).
  virtual core::Result<Profile> FetchProfile(const TokenSet& tokens,
                                             const CallbackParams& params) = 0;
  // Verifies an ID token a native app obtained itself (ID-token sign-in):
  // signature against the provider's JWKS (cached, refetched on an unknown kid),
  // `iss`, `aud` (client_id or one of audiences), `exp`, and `nonce` when given
  // (Google and Apple put a SHA-256 of the app's raw nonce or the raw nonce; both
  // are accepted). Errors: invalid-token with a reason; disabled-endpoint when
  // !supports_id_token().
  virtual core::Result<Profile> VerifyIdToken(std::string_view id_token,
                                              std::optional<std::string_view> nonce) = 0;
};

class Catalogue {
 public:
  // One Provider per enabled entry of config.oauth_providers. Errors:
  // invalid-request naming the provider when its settings cannot work (an
  // Apple key that does not parse, an unknown kind).
  static core::Result<std::unique_ptr<Catalogue>> Create(const config::Config& config,
                                                         const core::Clock& clock,
                                                         std::shared_ptr<HttpClient> http);
  Catalogue(const Catalogue&) = delete;
  Catalogue& operator=(const Catalogue&) = delete;
  ~Catalogue();

  // The enabled provider named `name`, or null.
  Provider* Find(std::string_view name) const;
  // Names of the enabled providers, in config order.
  std::vector<std::string> Names() const;

  // For tests of the flows: a catalogue holding exactly these providers.
  explicit Catalogue(std::vector<std::unique_ptr<Provider>> providers);

 private:
  std::vector<std::unique_ptr<Provider>> providers_;
  std::shared_ptr<HttpClient> http_;
};

}  // namespace gh::oauth

// oauth::providers::OidcProvider: an OpenID Connect provider — the OAuth 2.0
// flow plus ID tokens verified against the provider's JWKS. Generic OIDC
// issuers use it as it is (endpoints from the discovery document at
// <issuer>/.well-known/openid-configuration, each overridable); Google and
// Apple are OidcProviders with fixed endpoints and issuers.
//
// The discovery document and the JWKS are cached behind internal locks; safe
// to share between threads. Calls to the provider block.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oauth/id_token.h"
#include "oauth/jwks.h"
#include "oauth/providers/oauth2.h"

namespace gh::oauth::providers {

class OidcProvider : public OAuth2Provider {
 public:
  struct Options {
    std::vector<std::string> default_scopes = {"openid", "email", "profile"};
    Endpoints endpoints;               // fixed ones (built-in kinds), overrides applied
    std::vector<std::string> issuers;  // accepted `iss`; empty = the discovered issuer
    bool discover = false;             // fill missing endpoints from discovery
  };
  OidcProvider(const config::OAuthProvider& settings, Options options, ProviderDeps deps);

  bool supports_id_token() const override { return true; }
  core::Result<Profile> FetchProfile(const TokenSet& tokens, const CallbackParams& params) override;
  core::Result<Profile> VerifyIdToken(std::string_view id_token,
                                      std::optional<std::string_view> nonce) override;

 protected:
  core::Result<Endpoints> ResolveEndpoints() override;
  // Verifies `token` (nonce checked when given) and returns its claims.
  core::Result<nlohmann::json> VerifiedClaims(std::string_view token,
                                              std::optional<std::string> nonce);
  // Our profile from ID token claims or a userinfo answer (the standard OIDC
  // claim names). Apple overrides it for its quirks.
  virtual Profile ProfileFromClaims(const nlohmann::json& claims) const;

 private:
  core::Result<nlohmann::json> Discover();

  Options options_;
  JwksCache jwks_;
  std::mutex mu_;  // guards the discovery cache
  std::optional<Endpoints> discovered_;
  std::string discovered_issuer_;
  int64_t discovered_until_ = 0;
  int64_t retry_after_ = 0;   // no discovery fetch before this (seconds) after a failure
  std::string last_failure_;  // that failure, answered meanwhile
};

}  // namespace gh::oauth::providers

// oauth::providers::OAuth2Provider: what every kind shares — the authorization
// code flow of RFC 6749 with PKCE (RFC 7636): the authorize URL, the code
// exchange at the token endpoint, and bearer calls to profile APIs. Each kind
// (one file each under oauth/providers/) derives from it, or from OidcProvider,
// and adds its endpoints, default scopes and profile mapping.
//
// Immutable after construction apart from internally locked caches in
// subclasses; safe to share between threads. Calls to the provider block.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "core/clock.h"
#include "core/error.h"
#include "oauth/http_client.h"
#include "oauth/provider.h"

namespace gh::oauth::providers {

// The seams every provider gets from the Catalogue.
struct ProviderDeps {
  const core::Clock* clock = nullptr;
  std::shared_ptr<HttpClient> http;
};

struct Endpoints {
  std::string authorize;
  std::string token;
  std::string userinfo;
  std::string jwks;
  // Authenticate at the token endpoint with HTTP basic auth instead of the form
  // body (a generic OIDC provider whose discovery document asks for it).
  bool token_basic_auth = false;
};

// Built-in endpoints with the settings' *_url overrides applied.
Endpoints WithOverrides(Endpoints defaults, const config::OAuthProvider& settings);

class OAuth2Provider : public Provider {
 public:
  // `default_scopes` apply when the settings name none.
  OAuth2Provider(const config::OAuthProvider& settings, std::vector<std::string> default_scopes,
                 Endpoints endpoints, ProviderDeps deps);

  const std::string& name() const override { return settings_.name; }
  bool supports_pkce() const override { return true; }
  bool supports_id_token() const override { return false; }
  core::Result<std::string> AuthorizeUrl(const AuthorizeParams& params) override;
  core::Result<TokenSet> ExchangeCode(const CallbackParams& params) override;
  core::Result<Profile> VerifyIdToken(std::string_view id_token,
                                      std::optional<std::string_view> nonce) override;

 protected:
  // The endpoints to use now (OIDC resolves them through discovery).
  virtual core::Result<Endpoints> ResolveEndpoints() { return endpoints_; }
  // Kind-specific query parameters of the authorize URL (Apple's response_mode).
  virtual void AddAuthorizeParams(std::vector<std::pair<std::string, std::string>>* /*query*/) {}
  // The client secret sent to the token endpoint (Apple signs a JWT).
  virtual core::Result<std::string> ClientSecret() { return settings_.client_secret; }
  // True to authenticate at the token endpoint with HTTP basic auth (X);
  // false sends client_id and client_secret in the form body.
  virtual bool UsesBasicAuthForToken() const { return false; }

  // GET `url` with the bearer token (plus `headers`) and parse the JSON answer.
  // Errors: oauth-profile-fetch-failed for a non-2xx answer or non-JSON body;
  // oauth-provider-error when the provider cannot be reached.
  core::Result<nlohmann::json> GetProfileJson(
      const std::string& url, const std::string& access_token,
      std::vector<std::pair<std::string, std::string>> headers = {});
  // Error{oauth-profile-fetch-failed} naming this provider.
  core::Error ProfileError(std::string_view why) const;
  bool HasScope(std::string_view scope) const;

  const config::OAuthProvider& settings() const { return settings_; }
  const core::Clock& clock() const { return *deps_.clock; }
  HttpClient& http() const { return *deps_.http; }
  const Endpoints& configured_endpoints() const { return endpoints_; }

 private:
  config::OAuthProvider settings_;
  std::vector<std::string> scopes_;
  Endpoints endpoints_;
  ProviderDeps deps_;
};

// The address lower-cased when it is plausible (core::NormalizeEmail), else
// nullopt: a provider's odd address is dropped rather than failing sign-in.
std::optional<std::string> PlausibleEmail(std::string_view raw);
// "en" from "en", "en-US" or "en_GB"; empty when it does not start with two letters.
std::string TwoLetterLocale(std::string_view raw);
// A JSON string member, or a number member as its decimal text (GitHub's ids),
// or empty.
std::string IdText(const nlohmann::json& obj, const char* name);

}  // namespace gh::oauth::providers

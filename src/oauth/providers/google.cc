// Google: OpenID Connect with fixed endpoints (no discovery call needed) and
// both spellings of its issuer.
#include "oauth/providers/factories.h"
#include "oauth/providers/oidc.h"

namespace gh::oauth::providers {

Made MakeGoogle(const config::OAuthProvider& settings, ProviderDeps deps) {
  OidcProvider::Options options;
  options.endpoints = WithOverrides({.authorize = "https://accounts.google.com/o/oauth2/v2/auth",
                                     .token = "https://oauth2.googleapis.com/token",
                                     .userinfo = "https://openidconnect.googleapis.com/v1/userinfo",
                                     .jwks = "https://www.googleapis.com/oauth2/v3/certs"},
                                    settings);
  // Google's ID tokens carry either spelling (OIDC Core says https://...).
  options.issuers =
      settings.issuer.empty()
          ? std::vector<std::string>{"accounts.google.com", "https://accounts.google.com"}
          : std::vector<std::string>{settings.issuer};
  return std::unique_ptr<Provider>(new OidcProvider(settings, std::move(options), std::move(deps)));
}

}  // namespace gh::oauth::providers

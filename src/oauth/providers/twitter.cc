// X (Twitter): OAuth 2.0 authorization code with PKCE, a confidential client
// authenticating at the token endpoint with HTTP basic auth, the profile from
// /2/users/me. X shares no email address, so the profile has none.
#include "oauth/id_token.h"
#include "oauth/providers/factories.h"

namespace gh::oauth::providers {
namespace {

class Twitter final : public OAuth2Provider {
 public:
  Twitter(const config::OAuthProvider& settings, ProviderDeps deps)
      : OAuth2Provider(settings, {"users.read", "tweet.read", "offline.access"},
                       WithOverrides({.authorize = "https://twitter.com/i/oauth2/authorize",
                                      .token = "https://api.twitter.com/2/oauth2/token",
                                      .userinfo = "https://api.twitter.com/2/users/me",
                                      .jwks = ""},
                                     settings),
                       std::move(deps)) {}

  core::Result<Profile> FetchProfile(const TokenSet& tokens, const CallbackParams&) override {
    auto me = GetProfileJson(configured_endpoints().userinfo + "?user.fields=profile_image_url",
                             tokens.access_token);
    if (!me.ok()) return me.error();
    auto data = me->is_object() ? me->find("data") : me->end();
    if (data == me->end() || !data->is_object()) return ProfileError("no data object");
    Profile p;
    p.provider_user_id = IdText(*data, "id");
    if (p.provider_user_id.empty()) return ProfileError("no id");
    p.display_name = ClaimString(*data, "name");
    if (p.display_name.empty()) p.display_name = ClaimString(*data, "username");
    p.avatar_url = ClaimString(*data, "profile_image_url");
    p.raw_json = data->dump();
    return p;
  }

 protected:
  bool UsesBasicAuthForToken() const override { return true; }
};

}  // namespace

Made MakeTwitter(const config::OAuthProvider& settings, ProviderDeps deps) {
  return std::unique_ptr<Provider>(new Twitter(settings, std::move(deps)));
}

}  // namespace gh::oauth::providers

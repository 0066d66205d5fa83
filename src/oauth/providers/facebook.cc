// Facebook Login: plain OAuth 2.0 (PKCE accepted), the profile from the Graph
// API's /me with the fields asked for explicitly.
#include "oauth/id_token.h"
#include "oauth/providers/factories.h"

namespace gh::oauth::providers {
namespace {

class Facebook final : public OAuth2Provider {
 public:
  Facebook(const config::OAuthProvider& settings, ProviderDeps deps)
      : OAuth2Provider(
            settings, {"email", "public_profile"},
            WithOverrides({.authorize = "https://www.facebook.com/v19.0/dialog/oauth",
                           .token = "https://graph.facebook.com/v19.0/oauth/access_token",
                           .userinfo = "https://graph.facebook.com/v19.0/me",
                           .jwks = ""},
                          settings),
            std::move(deps)) {}

  core::Result<Profile> FetchProfile(const TokenSet& tokens, const CallbackParams&) override {
    auto me = GetProfileJson(
        configured_endpoints().userinfo + "?fields=id,name,email,picture.type(large)",
        tokens.access_token);
    if (!me.ok()) return me.error();
    if (!me->is_object()) return ProfileError("answer is not an object");
    Profile p;
    p.provider_user_id = IdText(*me, "id");
    if (p.provider_user_id.empty()) return ProfileError("no id");
    p.email = PlausibleEmail(ClaimString(*me, "email"));
    // The Graph API hands out only an address the person has confirmed with
    // Facebook (an unconfirmed one is simply absent).
    p.email_verified = p.email.has_value();
    p.display_name = ClaimString(*me, "name");
    if (auto picture = me->find("picture"); picture != me->end() && picture->is_object()) {
      if (auto data = picture->find("data"); data != picture->end() && data->is_object()) {
        p.avatar_url = ClaimString(*data, "url");
      }
    }
    p.raw_json = me->dump();
    return p;
  }
};

}  // namespace

Made MakeFacebook(const config::OAuthProvider& settings, ProviderDeps deps) {
  return std::unique_ptr<Provider>(new Facebook(settings, std::move(deps)));
}

}  // namespace gh::oauth::providers

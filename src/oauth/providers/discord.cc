// Discord: OAuth 2.0, the profile from /users/@me (email with its `verified`
// flag), the avatar URL built from Discord's CDN pattern. Discord documents no
// PKCE support, so none is sent.
#include "oauth/id_token.h"
#include "oauth/providers/factories.h"

namespace gh::oauth::providers {
namespace {

class Discord final : public OAuth2Provider {
 public:
  Discord(const config::OAuthProvider& settings, ProviderDeps deps)
      : OAuth2Provider(settings, {"identify", "email"},
                       WithOverrides({.authorize = "https://discord.com/oauth2/authorize",
                                      .token = "https://discord.com/api/oauth2/token",
                                      .userinfo = "https://discord.com/api/users/@me",
                                      .jwks = ""},
                                     settings),
                       std::move(deps)) {}

  bool supports_pkce() const override { return false; }

  core::Result<Profile> FetchProfile(const TokenSet& tokens, const CallbackParams&) override {
    auto me = GetProfileJson(configured_endpoints().userinfo, tokens.access_token);
    if (!me.ok()) return me.error();
    if (!me->is_object()) return ProfileError("answer is not an object");
    Profile p;
    p.provider_user_id = IdText(*me, "id");
    if (p.provider_user_id.empty()) return ProfileError("no id");
    p.email = PlausibleEmail(ClaimString(*me, "email"));
    p.email_verified = p.email.has_value() && ClaimIsTrue(*me, "verified");
    p.display_name = ClaimString(*me, "global_name");
    if (p.display_name.empty()) p.display_name = ClaimString(*me, "username");
    std::string avatar = ClaimString(*me, "avatar");
    if (!avatar.empty()) {
      // Animated avatars have hashes starting "a_" and are served as GIF.
      const char* ext = avatar.rfind("a_", 0) == 0 ? ".gif" : ".png";
      p.avatar_url =
          "https://cdn.discordapp.com/avatars/" + p.provider_user_id + "/" + avatar + ext;
    }
    p.locale = TwoLetterLocale(ClaimString(*me, "locale"));
    p.raw_json = me->dump();
    return p;
  }
};

}  // namespace

Made MakeDiscord(const config::OAuthProvider& settings, ProviderDeps deps) {
  return std::unique_ptr<Provider>(new Discord(settings, std::move(deps)));
}

}  // namespace gh::oauth::providers

// GitHub: OAuth 2.0 (GitHub ignores PKCE parameters it does not use), the
// profile from the REST API's /user and the address from /user/emails, where
// GitHub says which one is primary and verified. The numeric id is the stable
// one (logins can be renamed).
#include <spdlog/spdlog.h>

#include "oauth/id_token.h"
#include "oauth/providers/factories.h"

namespace gh::oauth::providers {
namespace {

class Github final : public OAuth2Provider {
 public:
  Github(const config::OAuthProvider& settings, ProviderDeps deps)
      : OAuth2Provider(settings, {"read:user", "user:email"},
                       WithOverrides({.authorize = "https://github.com/login/oauth/authorize",
                                      .token = "https://github.com/login/oauth/access_token",
                                      .userinfo = "https://api.github.com/user",
                                      .jwks = ""},
                                     settings),
                       std::move(deps)) {}

  core::Result<Profile> FetchProfile(const TokenSet& tokens, const CallbackParams&) override {
    // GitHub's REST API refuses requests without a User-Agent.
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Accept", "application/vnd.github+json"}, {"User-Agent", "Gatehouse"}};
    const std::string& user_url = configured_endpoints().userinfo;
    auto user = GetProfileJson(user_url, tokens.access_token, headers);
    if (!user.ok()) return user.error();
    if (!user->is_object()) return ProfileError("answer is not an object");
    Profile p;
    p.provider_user_id = IdText(*user, "id");
    if (p.provider_user_id.empty()) return ProfileError("no id");
    p.display_name = ClaimString(*user, "name");
    if (p.display_name.empty()) p.display_name = ClaimString(*user, "login");
    p.avatar_url = ClaimString(*user, "avatar_url");
    p.raw_json = user->dump();

    auto emails = GetProfileJson(user_url + "/emails", tokens.access_token, headers);
    if (emails.ok() && emails->is_array()) {
      // The primary address when verified, else the first verified one.
      for (int pass = 0; pass < 2 && !p.email; ++pass) {
        for (const auto& e : *emails) {
          if (!e.is_object() || !ClaimIsTrue(e, "verified")) continue;
          if (pass == 0 && !ClaimIsTrue(e, "primary")) continue;
          if ((p.email = PlausibleEmail(ClaimString(e, "email")))) break;
        }
      }
      p.email_verified = p.email.has_value();
    } else {
      // Without the user:email scope the list is forbidden; the public address
      // on the profile is then all we know, and GitHub does not vouch for it.
      spdlog::info("oauth: {}: no email list; using the public address unverified", name());
    }
    if (!p.email) {
      p.email = PlausibleEmail(ClaimString(*user, "email"));
      p.email_verified = false;
    }
    return p;
  }
};

}  // namespace

Made MakeGithub(const config::OAuthProvider& settings, ProviderDeps deps) {
  return std::unique_ptr<Provider>(new Github(settings, std::move(deps)));
}

}  // namespace gh::oauth::providers

// Sign in with Apple: OpenID Connect without a userinfo endpoint. The client
// secret is a short-lived ES256 JWT we sign with the team's .p8 key; the
// person comes from the ID token (email_verified may be the string "true"),
// and their name only from the `user` form field Apple posts on the first
// sign-in. Asking for name or email makes Apple answer with a form POST.
#include "crypto/hash.h"
#include "crypto/json_scan.h"
#include "crypto/keys.h"
#include "oauth/providers/factories.h"
#include "oauth/providers/oidc.h"

namespace gh::oauth::providers {
namespace {

constexpr char kAppleIssuer[] = "https://appleid.apple.com";
// Apple allows up to six months; minutes are enough for one code exchange and
// keep a leaked secret nearly worthless.
constexpr int64_t kClientSecretTtlSeconds = 600;

// Environment variables often carry a PEM with "\n" written out.
std::string UnescapeNewlines(std::string pem) {
  if (pem.find('\n') != std::string::npos) return pem;
  std::string out;
  for (size_t i = 0; i < pem.size(); ++i) {
    if (pem[i] == '\\' && i + 1 < pem.size() && pem[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(pem[i]);
    }
  }
  return out;
}

class Apple final : public OidcProvider {
 public:
  Apple(const config::OAuthProvider& settings, Options options, ProviderDeps deps,
        crypto::PkeyPtr key)
      : OidcProvider(settings, std::move(options), std::move(deps)), key_(std::move(key)) {}

  bool supports_pkce() const override { return false; }
  bool uses_form_post() const override { return HasScope("name") || HasScope("email"); }

  core::Result<Profile> FetchProfile(const TokenSet& tokens,
                                     const CallbackParams& params) override {
    auto profile = OidcProvider::FetchProfile(tokens, params);
    if (!profile.ok() || !profile->display_name.empty() || params.user_json.empty()) {
      return profile;
    }
    // {"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"..."}: sent by
    // the browser, so only the name is taken from it, never the address.
    auto user = nlohmann::json::parse(params.user_json, nullptr, false);
    if (user.is_object()) {
      auto name = user.find("name");
      if (name != user.end() && name->is_object()) {
        std::string first = ClaimString(*name, "firstName");
        std::string last = ClaimString(*name, "lastName");
        profile->display_name = first.empty() || last.empty() ? first + last : first + " " + last;
      }
    }
    return profile;
  }

 protected:
  void AddAuthorizeParams(std::vector<std::pair<std::string, std::string>>* query) override {
    if (uses_form_post()) query->emplace_back("response_mode", "form_post");
  }

  core::Result<std::string> ClientSecret() override {
    int64_t now = clock().NowSeconds();
    std::string header =
        "{\"alg\":\"ES256\",\"kid\":" + crypto::JsonQuote(settings().apple_key_id) + "}";
    std::string aud = settings().issuer.empty() ? kAppleIssuer : settings().issuer;
    std::string claims = "{\"iss\":" + crypto::JsonQuote(settings().apple_team_id) +
                         ",\"iat\":" + std::to_string(now) +
                         ",\"exp\":" + std::to_string(now + kClientSecretTtlSeconds) +
                         ",\"aud\":" + crypto::JsonQuote(aud) +
                         ",\"sub\":" + crypto::JsonQuote(settings().client_id) + "}";
    std::string input = crypto::Base64UrlEncode(header) + "." + crypto::Base64UrlEncode(claims);
    std::string sig = crypto::AsymmetricSign(crypto::JwsAlg::kES256, key_.get(), input);
    if (sig.empty())
      return core::Error(core::errc::kInternal, "cannot sign the Apple client secret");
    return input + "." + crypto::Base64UrlEncode(sig);
  }

 private:
  crypto::PkeyPtr key_;
};

}  // namespace

Made MakeApple(const config::OAuthProvider& settings, ProviderDeps deps) {
  auto invalid = [&](const std::string& why) {
    return core::Error(core::errc::kInvalidRequest, "provider " + settings.name + ": " + why);
  };
  if (settings.apple_team_id.empty() || settings.apple_key_id.empty()) {
    return invalid("team id and key id are required");
  }
  bool has_private = false;
  std::string why;
  crypto::PkeyPtr key = crypto::LoadAsymmetricKey(
      crypto::JwsAlg::kES256, UnescapeNewlines(settings.apple_private_key), "", &has_private, &why);
  if (!key || !has_private) return invalid("private key: " + (why.empty() ? "missing" : why));

  OidcProvider::Options options;
  options.default_scopes = {"name", "email"};
  options.endpoints = WithOverrides({.authorize = "https://appleid.apple.com/auth/authorize",
                                     .token = "https://appleid.apple.com/auth/token",
                                     .userinfo = "",
                                     .jwks = "https://appleid.apple.com/auth/keys"},
                                    settings);
  options.issuers = {settings.issuer.empty() ? kAppleIssuer : settings.issuer};
  return std::unique_ptr<Provider>(
      new Apple(settings, std::move(options), std::move(deps), std::move(key)));
}

}  // namespace gh::oauth::providers

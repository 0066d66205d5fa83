#include "oauth/providers/oidc.h"

#include "oauth/providers/factories.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace gh::oauth::providers {
namespace {

// A discovery document changes rarely; an hour keeps key and endpoint moves
// visible the same day without a call per sign-in.
constexpr int64_t kDiscoveryTtlSeconds = 3600;
constexpr int64_t kDiscoveryRetrySeconds = 5;

std::string WithoutTrailingSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string Member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

OidcProvider::OidcProvider(const config::OAuthProvider& settings, Options options,
                           ProviderDeps deps)
    : OAuth2Provider(settings, options.default_scopes, options.endpoints, deps),
      options_(std::move(options)),
      jwks_(deps.http, *deps.clock) {}

core::Result<nlohmann::json> OidcProvider::Discover() {
  HttpRequest req;
  req.url = WithoutTrailingSlash(settings().issuer) + "/.well-known/openid-configuration";
  req.headers = {{"Accept", "application/json"}};
  auto resp = http().Send(req);
  if (!resp.ok()) return resp.error();
  auto doc = nlohmann::json::parse(resp->body, nullptr, false);
  if (resp->status != 200 || !doc.is_object()) {
    return core::Error(core::errc::kOAuthProviderError,
                       name() + ": discovery answered HTTP " + std::to_string(resp->status));
  }
  // OIDC Discovery 4.3: the document must name the issuer it was fetched for,
  // or a document served elsewhere could vouch for another issuer's tokens.
  if (WithoutTrailingSlash(Member(doc, "issuer")) != WithoutTrailingSlash(settings().issuer)) {
    return core::Error(core::errc::kOAuthProviderError,
                       name() + ": discovery document names another issuer");
  }
  return doc;
}

core::Result<Endpoints> OidcProvider::ResolveEndpoints() {
  if (!options_.discover) return configured_endpoints();
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock().NowSeconds();
  if (discovered_ && now < discovered_until_) return *discovered_;
  // After a failed fetch, wait a little before the next: during an outage each
  // sign-in would otherwise hold a worker for a whole timeout.
  if (now < retry_after_) {
    if (discovered_) return *discovered_;
    return core::Error(core::errc::kOAuthProviderError, last_failure_);
  }
  auto doc = Discover();
  if (!doc.ok()) {
    retry_after_ = now + kDiscoveryRetrySeconds;
    last_failure_ = doc.error().message;
    if (discovered_) {  // a stale document beats an outage
      spdlog::warn("oauth: {}: keeping the cached discovery document: {}", name(),
                   doc.error().message);
      return *discovered_;
    }
    return doc.error();
  }
  // The configured URLs win over the discovered ones.
  Endpoints e = configured_endpoints();
  if (e.authorize.empty()) e.authorize = Member(*doc, "authorization_endpoint");
  if (e.token.empty()) e.token = Member(*doc, "token_endpoint");
  if (e.userinfo.empty()) e.userinfo = Member(*doc, "userinfo_endpoint");
  if (e.jwks.empty()) e.jwks = Member(*doc, "jwks_uri");
  // How the client authenticates at the token endpoint: the form body when the
  // provider accepts it, else HTTP basic, which is also the default when the
  // document does not say (OpenID Connect Discovery 1.0, section 3).
  const nlohmann::json* methods = nullptr;
  if (auto it = doc->find("token_endpoint_auth_methods_supported");
      it != doc->end() && it->is_array())
    methods = &*it;
  auto lists = [&](std::string_view m) {
    return methods != nullptr &&
           std::any_of(methods->begin(), methods->end(),
                       [&](const nlohmann::json& v) { return v.is_string() && v == m; });
  };
  e.token_basic_auth = !lists("client_secret_post");
  if (e.authorize.empty() || e.token.empty()) {
    retry_after_ = now + kDiscoveryRetrySeconds;
    last_failure_ = name() + ": discovery document lacks the authorization or token endpoint";
    return core::Error(core::errc::kOAuthProviderError, last_failure_);
  }
  discovered_issuer_ = Member(*doc, "issuer");
  discovered_ = e;
  discovered_until_ = now + kDiscoveryTtlSeconds;
  return e;
}

core::Result<nlohmann::json> OidcProvider::VerifiedClaims(std::string_view token,
                                                          std::optional<std::string> nonce) {
  auto endpoints = ResolveEndpoints();
  if (!endpoints.ok()) return endpoints.error();
  if (endpoints->jwks.empty()) {
    return core::Error(core::errc::kOAuthProviderError, name() + ": no JWKS URL");
  }
  IdTokenCheck check;
  check.issuers = options_.issuers;
  if (check.issuers.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    check.issuers = {settings().issuer};
    if (!discovered_issuer_.empty()) check.issuers.push_back(discovered_issuer_);
  }
  check.audiences = settings().audiences;
  check.audiences.push_back(settings().client_id);
  check.nonce = std::move(nonce);
  check.now_seconds = clock().NowSeconds();
  const std::string& jwks_url = endpoints->jwks;
  return oauth::VerifyIdToken(
      token, [&](const crypto::DecodedJws& jws) { return jwks_.KeyFor(jwks_url, jws); }, check);
}

Profile OidcProvider::ProfileFromClaims(const nlohmann::json& claims) const {
  Profile p;
  p.provider_user_id = ClaimString(claims, "sub");
  p.email = PlausibleEmail(ClaimString(claims, "email"));
  p.email_verified = p.email.has_value() && ClaimIsTrue(claims, "email_verified");
  p.display_name = ClaimString(claims, "name");
  if (p.display_name.empty()) {
    std::string given = ClaimString(claims, "given_name");
    std::string family = ClaimString(claims, "family_name");
    p.display_name = given.empty() || family.empty() ? given + family : given + " " + family;
  }
  p.avatar_url = ClaimString(claims, "picture");
  p.locale = TwoLetterLocale(ClaimString(claims, "locale"));
  p.raw_json = claims.dump();
  return p;
}

core::Result<Profile> OidcProvider::FetchProfile(const TokenSet& tokens,
                                                 const CallbackParams& params) {
  const std::string& id_token = tokens.id_token.empty() ? params.id_token : tokens.id_token;
  Profile profile;
  bool have_id_token = !id_token.empty();
  if (have_id_token) {
    auto claims = VerifiedClaims(
        id_token, params.nonce.empty() ? std::nullopt : std::optional<std::string>(params.nonce));
    if (!claims.ok()) return claims.error();
    profile = ProfileFromClaims(claims.value());
  }
  auto endpoints = ResolveEndpoints();
  if (!endpoints.ok()) return endpoints.error();
  bool gaps = !profile.email || profile.display_name.empty() || profile.avatar_url.empty();
  if (!endpoints->userinfo.empty() && !tokens.access_token.empty() && gaps) {
    auto info = GetProfileJson(endpoints->userinfo, tokens.access_token);
    if (!info.ok() || !info->is_object()) {
      // With a verified ID token the userinfo call only fills gaps.
      if (!have_id_token)
        return info.ok() ? ProfileError("userinfo is not an object") : info.error();
    } else {
      Profile extra = ProfileFromClaims(info.value());
      if (have_id_token && extra.provider_user_id != profile.provider_user_id) {
        // OIDC Core 5.3.2: a userinfo answer about someone else must not be used.
        return ProfileError("userinfo sub differs from the ID token's");
      }
      if (!have_id_token) {
        profile = std::move(extra);
      } else {
        if (!profile.email && extra.email) {
          profile.email = extra.email;
          profile.email_verified = extra.email_verified;
        }
        if (profile.display_name.empty()) profile.display_name = extra.display_name;
        if (profile.avatar_url.empty()) profile.avatar_url = extra.avatar_url;
        if (profile.locale.empty()) profile.locale = extra.locale;
      }
    }
  }
  if (profile.provider_user_id.empty()) return ProfileError("no subject (sub) in the profile");
  return profile;
}

core::Result<Profile> OidcProvider::VerifyIdToken(std::string_view id_token,
                                                  std::optional<std::string_view> nonce) {
  auto claims = VerifiedClaims(
      id_token, nonce ? std::optional<std::string>(std::string(*nonce)) : std::nullopt);
  if (!claims.ok()) return claims.error();
  return ProfileFromClaims(claims.value());
}

}  // namespace gh::oauth::providers

namespace gh::oauth::providers {

Made MakeOidc(const config::OAuthProvider& settings, ProviderDeps deps) {
  if (settings.issuer.empty()) {
    return core::Error(core::errc::kInvalidRequest, "provider " + settings.name + ": no issuer");
  }
  OidcProvider::Options options;
  options.endpoints = WithOverrides({}, settings);
  options.discover = true;
  return std::unique_ptr<Provider>(new OidcProvider(settings, std::move(options), std::move(deps)));
}

}  // namespace gh::oauth::providers

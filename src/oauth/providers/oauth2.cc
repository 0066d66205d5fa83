#include "oauth/providers/oauth2.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace gh::oauth::providers {
namespace {

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out.push_back(' ');
    out += s;
  }
  return out;
}

// Provider error answers ({"error":"invalid_grant",...}) name the reason; the
// short code is safe to pass on, the description stays in the log.
std::string ProviderErrorCode(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    std::string code = j["error"].get<std::string>();
    if (code.size() <= 64) return code;
  }
  return {};
}

}  // namespace

Endpoints WithOverrides(Endpoints e, const config::OAuthProvider& s) {
  if (!s.authorize_url.empty()) e.authorize = s.authorize_url;
  if (!s.token_url.empty()) e.token = s.token_url;
  if (!s.userinfo_url.empty()) e.userinfo = s.userinfo_url;
  if (!s.jwks_url.empty()) e.jwks = s.jwks_url;
  return e;
}

OAuth2Provider::OAuth2Provider(const config::OAuthProvider& settings,
                               std::vector<std::string> default_scopes, Endpoints endpoints,
                               ProviderDeps deps)
    : settings_(settings),
      scopes_(settings.scopes.empty() ? std::move(default_scopes) : settings.scopes),
      endpoints_(std::move(endpoints)),
      deps_(std::move(deps)) {}

bool OAuth2Provider::HasScope(std::string_view scope) const {
  return std::find(scopes_.begin(), scopes_.end(), scope) != scopes_.end();
}

core::Result<std::string> OAuth2Provider::AuthorizeUrl(const AuthorizeParams& params) {
  auto endpoints = ResolveEndpoints();
  if (!endpoints.ok()) return endpoints.error();
  std::vector<std::string> scopes = scopes_;
  for (const std::string& s : params.scopes)
    if (!s.empty() && std::find(scopes.begin(), scopes.end(), s) == scopes.end())
      scopes.push_back(s);
  std::vector<std::pair<std::string, std::string>> query = {
      {"response_type", "code"},
      {"client_id", settings_.client_id},
      {"redirect_uri", params.redirect_uri},
      {"scope", JoinScopes(scopes)},
      {"state", params.state},
  };
  if (supports_pkce() && !params.code_challenge.empty()) {
    query.emplace_back("code_challenge", params.code_challenge);
    query.emplace_back("code_challenge_method", "S256");
  }
  if (supports_id_token() && !params.nonce.empty()) query.emplace_back("nonce", params.nonce);
  AddAuthorizeParams(&query);
  for (const auto& kv : params.extra) query.push_back(kv);
  const std::string& base = endpoints->authorize;
  return base + (base.find('?') == std::string::npos ? "?" : "&") + FormEncode(query);
}

core::Result<TokenSet> OAuth2Provider::ExchangeCode(const CallbackParams& params) {
  auto endpoints = ResolveEndpoints();
  if (!endpoints.ok()) return endpoints.error();
  if (params.code.empty()) {
    return core::Error(core::errc::kOAuthTokenExchangeFailed, name() + ": no code to exchange");
  }
  auto secret = ClientSecret();
  if (!secret.ok()) return secret.error();

  std::vector<std::pair<std::string, std::string>> form = {
      {"grant_type", "authorization_code"},
      {"code", params.code},
      {"redirect_uri", params.redirect_uri},
  };
  if (!params.code_verifier.empty()) form.emplace_back("code_verifier", params.code_verifier);
  HttpRequest req;
  req.method = "POST";
  req.url = endpoints->token;
  req.headers = {{"Accept", "application/json"},
                 {"Content-Type", "application/x-www-form-urlencoded"}};
  if (UsesBasicAuthForToken() || endpoints->token_basic_auth) {
    req.basic_user = settings_.client_id;
    req.basic_password = secret.value();
    form.emplace_back("client_id", settings_.client_id);  // X wants it in the body too
  } else {
    form.emplace_back("client_id", settings_.client_id);
    if (!secret->empty()) form.emplace_back("client_secret", secret.value());
  }
  req.body = FormEncode(form);

  auto resp = http().Send(req);
  if (!resp.ok()) return resp.error();
  auto refused = [&](std::string why) {
    spdlog::warn("oauth: {} token endpoint: {}: {}", name(), why, resp->body.substr(0, 300));
    std::string code = ProviderErrorCode(resp->body);
    return core::Error(
        core::errc::kOAuthTokenExchangeFailed,
        "The provider refused the sign-in" + (code.empty() ? "" : " (" + code + ")"));
  };
  if (resp->status < 200 || resp->status > 299) {
    return refused("HTTP " + std::to_string(resp->status));
  }
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (!j.is_object()) return refused("not JSON");
  TokenSet tokens;
  auto str = [&j](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  tokens.access_token = str("access_token");
  tokens.refresh_token = str("refresh_token");
  tokens.id_token = str("id_token");
  tokens.scope = str("scope");
  if (auto it = j.find("expires_in"); it != j.end() && it->is_number_integer()) {
    tokens.expires_in = it->get<int64_t>();
  }
  if (tokens.access_token.empty()) return refused("no access_token");
  return tokens;
}

core::Result<Profile> OAuth2Provider::VerifyIdToken(std::string_view,
                                                    std::optional<std::string_view>) {
  return core::Error(core::errc::kDisabledEndpoint,
                     name() + " does not issue ID tokens; use the redirect sign-in");
}

core::Error OAuth2Provider::ProfileError(std::string_view why) const {
  spdlog::warn("oauth: {} profile: {}", name(), why);
  return core::Error(core::errc::kOAuthProfileFetchFailed,
                     "Could not read the profile from " + name());
}

core::Result<nlohmann::json> OAuth2Provider::GetProfileJson(
    const std::string& url, const std::string& access_token,
    std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest req;
  req.url = url;
  req.headers = std::move(headers);
  req.headers.emplace_back("Authorization", "Bearer " + access_token);
  if (std::none_of(req.headers.begin(), req.headers.end(),
                   [](const auto& h) { return h.first == "Accept"; })) {
    req.headers.emplace_back("Accept", "application/json");
  }
  auto resp = http().Send(req);
  if (!resp.ok()) return resp.error();
  if (resp->status < 200 || resp->status > 299) {
    return ProfileError("HTTP " + std::to_string(resp->status) + " " + resp->body.substr(0, 300));
  }
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (j.is_discarded()) return ProfileError("answer is not JSON");
  return j;
}

std::optional<std::string> PlausibleEmail(std::string_view raw) {
  if (raw.empty()) return std::nullopt;
  return core::NormalizeEmail(raw);
}

std::string TwoLetterLocale(std::string_view raw) {
  if (raw.size() < 2 || !std::isalpha(static_cast<unsigned char>(raw[0])) ||
      !std::isalpha(static_cast<unsigned char>(raw[1])) ||
      (raw.size() > 2 && raw[2] != '-' && raw[2] != '_')) {
    return {};
  }
  std::string out(raw.substr(0, 2));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string IdText(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return {};
}

}  // namespace gh::oauth::providers

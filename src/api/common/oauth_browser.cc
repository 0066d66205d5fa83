#include "api/common/oauth_browser.h"

#include "auth/oauth.h"

namespace gh::api {
namespace {

constexpr std::string_view kPassThrough[] = {
    "prompt",  "login_hint", "hd",         "access_type", "include_granted_scopes",
    "max_age", "ui_locales", "acr_values", "display",     "domain_hint"};

}  // namespace

std::string StartBinding(const config::Config& config, const http::Request& request) {
  if (!config.oauth_state_cookie) return {};
  std::string binding = request.Cookie(kOAuthBindingCookie);
  if (!auth::OAuthFlow::LooksLikeBinding(binding)) binding = auth::OAuthFlow::NewBinding();
  return binding;
}

std::string CallbackBinding(const config::Config& config, const http::Request& request) {
  return config.oauth_state_cookie ? request.Cookie(kOAuthBindingCookie) : std::string();
}

std::string BindingCookie(const config::Config& config, std::string_view path,
                          const std::string& binding) {
  const bool https = config.public_url.rfind("https://", 0) == 0;
  return std::string(kOAuthBindingCookie) + "=" + binding + "; Path=" + std::string(path) +
         "; Max-Age=" + std::to_string(config.oauth_request_ttl_seconds) + "; HttpOnly" +
         (https ? "; Secure; SameSite=None" : "; SameSite=Lax");
}

std::vector<std::pair<std::string, std::string>> PassThroughParams(const http::Request& request) {
  std::vector<std::pair<std::string, std::string>> extra;
  for (std::string_view name : kPassThrough) {
    std::string v = request.QueryParam(name);
    if (!v.empty()) extra.emplace_back(std::string(name), std::move(v));
  }
  return extra;
}

http::Response NoStoreRedirect(std::string location, int status) {
  http::Response r = http::Response::Redirect(std::move(location), status);
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace gh::api

// GET /signin/provider/{provider}, and its callback (GET, and POST for
// providers that answer with a form, as Apple does).
//
// The start answers 302 to the provider, or a JSON error while nothing has
// happened yet (unknown provider, redirectTo not allowed, bad options). The
// callback always answers a redirect: the outcome or the error travels in the
// query string of redirectTo (see auth/oauth.h), because the browser, not the
// app's code, is on the line.
#include "api/nhost/endpoints.h"
#include "api/nhost/native_links.h"
#include "api/nhost/render.h"
#include "config/settings.h"

namespace gh::api::nhost {
namespace {

// Provider-specific parameters an app may pass through to the authorization
// URL. The rest (state, redirect_uri, scope, PKCE, nonce) is ours to set.
constexpr std::string_view kPassThrough[] = {
    "prompt",  "login_hint", "hd",         "access_type", "include_granted_scopes",
    "max_age", "ui_locales", "acr_values", "display",     "domain_hint"};

void AddNoStore(http::Response& r) {
  // The URL carries a state, a token or a grant: never leak it in a Referer or a cache.
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
}

http::Response Redirect(std::string location, int status) {
  http::Response r = http::Response::Redirect(std::move(location), status);
  AddNoStore(r);
  return r;
}

// The cookie binding a sign-in's state to the browser that started it (RFC
// 6749 10.12: a callback URL with someone else's code and state, planted in a
// victim's browser, must not sign the victim in as that someone). One value
// per browser, reused by every start within its lifetime, so two tabs signing
// in at once both work. Scoped to the provider routes, never readable by
// scripts. Over HTTPS it is SameSite=None (Apple's callback is a cross-site form
// POST, which Lax cookies do not ride along on) and Secure; over plain HTTP
// (development) Lax, which same-site identity providers still receive.
constexpr std::string_view kBindingCookie = "gh_oauth_binding";

std::string BindingCookie(const config::Config& config, const http::Request& request,
                          const std::string& binding) {
  std::string path = request.path;  // <prefix>/signin/provider/{provider}
  path.resize(path.rfind('/'));
  const bool https = config.public_url.rfind("https://", 0) == 0;
  return std::string(kBindingCookie) + "=" + binding + "; Path=" + path +
         "; Max-Age=" + std::to_string(config.oauth_request_ttl_seconds) + "; HttpOnly" +
         (https ? "; Secure; SameSite=None" : "; SameSite=Lax");
}

// Non-empty value of query parameter `name`, or nothing.
std::optional<std::string> Opt(const http::Request& request, std::string_view name) {
  std::string v = request.QueryParam(name);
  if (v.empty()) return std::nullopt;
  return v;
}

core::Result<auth::OAuthStart> ParseStart(const Deps& deps, const http::Request& request) {
  auth::OAuthStart s;
  s.links = &deps.links;
  s.provider = std::string(request.PathParam("provider"));
  auth::SignUpOptions& o = s.options;
  o.default_role = Opt(request, "defaultRole");
  o.display_name = Opt(request, "displayName");
  o.locale = Opt(request, "locale");
  o.redirect_to = Opt(request, "redirectTo");
  if (auto roles = Opt(request, "allowedRoles")) {
    // The spec's form style without explode: one comma-separated value.
    std::vector<std::string> list;
    size_t pos = 0;
    while (pos <= roles->size()) {
      size_t comma = roles->find(',', pos);
      std::string role = roles->substr(pos, comma == std::string::npos ? comma : comma - pos);
      if (!role.empty()) list.push_back(std::move(role));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    o.allowed_roles = std::move(list);
  }
  if (auto metadata = Opt(request, "metadata")) {
    Json j = Json::parse(*metadata, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object())
      return core::Error(core::errc::kInvalidRequest, "metadata must be a JSON object");
    o.metadata_json = j.dump();
  }
  s.connect = Opt(request, "connect");
  if (auto grant = Opt(request, "grant")) {
    if (*grant != "true" && *grant != "false")
      return core::Error(core::errc::kInvalidRequest, "grant must be true or false");
    s.grant = *grant == "true";
  }
  for (std::string_view name : kPassThrough)
    if (auto v = Opt(request, name)) s.extra.emplace_back(std::string(name), std::move(*v));
  return s;
}

// A switched-off built-in provider is disabled-endpoint; a name we have no
// provider for at all (not a built-in, not a configured OpenID Connect one) is
// a malformed request, as the spec's enum of provider names makes it.
core::Error UnknownProvider(const core::Error& e, std::string_view provider) {
  if (!e.Is(core::errc::kDisabledEndpoint) || config::IsBuiltInProvider(provider)) return e;
  return core::Error(core::errc::kInvalidRequest, "Unknown provider " + std::string(provider));
}

// The callback's parameters, from a query string or a form body alike.
auth::OAuthCallback ParseCallback(const Deps& deps, const http::Request& request,
                                  std::string_view text) {
  http::Request as_query;
  as_query.query = std::string(text);
  auth::OAuthCallback cb;
  cb.provider = std::string(request.PathParam("provider"));
  cb.state = as_query.QueryParam("state");
  cb.code = as_query.QueryParam("code");
  cb.id_token = as_query.QueryParam("id_token");
  cb.user_json = as_query.QueryParam("user");
  cb.error = as_query.QueryParam("error");
  cb.error_description = as_query.QueryParam("error_description");
  if (deps.config.oauth_state_cookie) cb.binding = request.Cookie(kBindingCookie);
  cb.client = ClientOf(request);
  cb.links = &deps.links;
  return cb;
}

}  // namespace

http::Handler SignInProvider(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto start = ParseStart(deps, request);
    if (!start) return respond(ErrorResponse(start.error()));
    if (deps.config.oauth_state_cookie) {
      start->binding = request.Cookie(kBindingCookie);
      if (!auth::OAuthFlow::LooksLikeBinding(start->binding))
        start->binding = auth::OAuthFlow::NewBinding();
    }
    auto url = deps.oauth->Start(*start);
    if (url) {
      http::Response r = Redirect(std::move(*url), 302);
      if (!start->binding.empty())
        r.headers.emplace_back("Set-Cookie", BindingCookie(deps.config, request, start->binding));
      return respond(std::move(r));
    }
    respond(ErrorResponse(UnknownProvider(url.error(), start->provider)));
  };
}

http::Handler SignInProviderCallbackGet(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto outcome = deps.oauth->Callback(ParseCallback(deps, request, request.query));
    respond(Redirect(OAuthRedirect(outcome), 302));
  };
}

http::Handler SignInProviderCallbackPost(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    // Apple's form_post; a query string works too. 303: the browser follows with a GET.
    auth::OAuthCallback cb =
        ParseCallback(deps, request, request.body.empty() ? request.query : request.body);
    respond(Redirect(OAuthRedirect(deps.oauth->Callback(cb)), 303));
  };
}

}  // namespace gh::api::nhost

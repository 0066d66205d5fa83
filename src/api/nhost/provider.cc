// GET /signin/provider/{provider}, and its callback (GET, and POST for
// providers that answer with a form, as Apple does).
//
// The start answers 302 to the provider, or a JSON error while nothing has
// happened yet (unknown provider, redirectTo not allowed, bad options). The
// callback always answers a redirect: the outcome or the error travels in the
// query string of redirectTo (see auth/oauth.h), because the browser, not the
// app's code, is on the line.
#include "api/common/oauth_browser.h"
#include "api/nhost/endpoints.h"
#include "api/nhost/native_links.h"
#include "api/nhost/render.h"
#include "config/settings.h"

namespace gh::api::nhost {
namespace {

http::Response Redirect(std::string location, int status) {
  return NoStoreRedirect(std::move(location), status);
}

// The binding cookie's path: the provider routes (<prefix>/signin/provider).
std::string BindingPath(const http::Request& request) {
  std::string path = request.path;  // <prefix>/signin/provider/{provider}
  path.resize(path.rfind('/'));
  return path;
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
  s.extra = PassThroughParams(request);
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
  cb.binding = CallbackBinding(deps.config, request);
  cb.client = ClientOf(request);
  cb.links = &deps.links;
  return cb;
}

}  // namespace

http::Handler SignInProvider(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto start = ParseStart(deps, request);
    if (!start) return respond(ErrorResponse(start.error()));
    start->binding = StartBinding(deps.config, request);
    auto url = deps.oauth->Start(*start);
    if (url) {
      http::Response r = Redirect(std::move(*url), 302);
      if (!start->binding.empty())
        r.headers.emplace_back("Set-Cookie",
                               BindingCookie(deps.config, BindingPath(request), start->binding));
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

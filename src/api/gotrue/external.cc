// GET /authorize?provider=..&redirect_to=..&scopes=..[&code_challenge=..&code_challenge_method=..]
// and GET|POST /callback (POST: Apple's form_post), GoTrue's one callback for
// every provider: the state names which.
//
// The start answers 302 to the provider, or a JSON error while nothing has
// happened yet. The callback always answers a redirect to the request's
// redirect_to (client_url when the state is unknown): with the session in the
// URL fragment (implicit flow), with ?code=<grant> when the app sent a PKCE
// challenge (the app trades it at POST /token?grant_type=pkce), or with
// error, error_code and error_description in both the query and the fragment,
// as GoTrue writes them.
#include "api/gotrue/external.h"
#include "api/common/oauth_browser.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"
#include "config/settings.h"

namespace gh::api::gotrue {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// `url` without its #fragment.
std::string WithoutFragment(const std::string& url) { return url.substr(0, url.find('#')); }

// name=value pairs, percent-encoded, in the order given.
std::string Encode(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += auth::UrlEncode(name) + "=" + auth::UrlEncode(value);
  }
  return out;
}

// The `error` GoTrue puts beside an error code in a redirect: RFC 6749's name
// for the status, access_denied where the user may not sign in.
std::string OAuthErrorName(const Problem& p) {
  if (p.error_code == "signup_disabled" || p.error_code == "user_banned") return "access_denied";
  switch (p.status) {
    case 400:
      return "invalid_request";
    case 401:
      return "unauthorized_client";
    case 403:
      return "access_denied";
    case 503:
      return "temporarily_unavailable";
    default:
      return "server_error";
  }
}

// The app URL with an error in the query (kept beside the app's own
// parameters) and again as the whole fragment.
std::string ErrorRedirect(const std::string& redirect_to, const Params& error) {
  return auth::AppendQuery(WithoutFragment(redirect_to), error) + "#" + Encode(error);
}

// The session in the fragment, as GoTrue writes it (names sorted).
std::string SessionRedirect(const std::string& redirect_to, const auth::OAuthOutcome& o) {
  const auth::SessionGrant& g = *o.session;
  Params p = {{"access_token", g.access_token},
              {"expires_at", std::to_string(g.access_token_expires_at)},
              {"expires_in", std::to_string(g.access_token_expires_in)}};
  if (!o.provider_refresh_token.empty())
    p.emplace_back("provider_refresh_token", o.provider_refresh_token);
  p.emplace_back("provider_token", o.provider_access_token);
  p.emplace_back("refresh_token", g.refresh_token);
  p.emplace_back("token_type", "bearer");
  return WithoutFragment(redirect_to) + "#" + Encode(p);
}

// The callback's parameters, from a query string or a form body alike.
auth::OAuthCallback ParseCallback(const Deps& deps, const http::Request& request,
                                  std::string_view text) {
  http::Request as_query;
  as_query.query = std::string(text);
  auth::OAuthCallback cb;  // provider left empty: the state names it
  cb.state = as_query.QueryParam("state");
  cb.code = as_query.QueryParam("code");
  cb.id_token = as_query.QueryParam("id_token");
  cb.user_json = as_query.QueryParam("user");
  cb.error = as_query.QueryParam("error");
  cb.error_description = as_query.QueryParam("error_description");
  cb.binding = CallbackBinding(deps.config, request);
  cb.client = ClientOf(request);
  cb.links = &deps.links;
  cb.second_factor = &kSecondFactorPolicy;
  return cb;
}

// Where the outcome sends the browser.
std::string CallbackRedirect(const auth::OAuthCallback& cb, const auth::OAuthOutcome& o) {
  using Kind = auth::OAuthOutcome::Kind;
  switch (o.kind) {
    case Kind::kSession:
      return SessionRedirect(o.redirect_to, o);
    case Kind::kGrant:
      return auth::AppendQuery(o.redirect_to, {{"code", o.grant}});
    case Kind::kLinked:
      return o.redirect_to;
    case Kind::kMfa:  // not under the step-up policy; refused rather than lost
    case Kind::kError:
      break;
  }
  core::Error e = o.error.value_or(core::Error(core::errc::kInternal, "No session was started"));
  // The provider's own refusal (the user cancelled, ...) goes back as it came.
  if (!cb.error.empty() && e.Is(core::errc::kOAuthProviderError))
    return ErrorRedirect(o.redirect_to, {{"error", cb.error}, {"error_description", e.message}});
  Problem p = Translate(e);
  return ErrorRedirect(o.redirect_to, {{"error", OAuthErrorName(p)},
                                       {"error_code", p.error_code},
                                       {"error_description", p.message}});
}

void SplitScopes(const std::string& text, std::vector<std::string>& out) {
  std::string scope;
  for (char c : text + ' ') {
    if (c == ' ' || c == ',') {
      if (!scope.empty()) out.push_back(std::move(scope));
      scope.clear();
    } else {
      scope += c;
    }
  }
}

}  // namespace

core::Result<auth::OAuthStart> ParseOAuthStart(const Deps& deps, const http::Request& request) {
  auth::OAuthStart s;
  s.links = &deps.links;
  s.provider = request.QueryParam("provider");
  std::string redirect_to = request.QueryParam("redirect_to");
  if (!redirect_to.empty()) s.options.redirect_to = std::move(redirect_to);
  SplitScopes(request.QueryParam("scopes"), s.scopes);
  s.code_challenge = request.QueryParam("code_challenge");
  s.code_challenge_method = request.QueryParam("code_challenge_method");
  s.extra = PassThroughParams(request);
  return s;
}

http::Response StartFailed(const http::Request& request, const core::Error& error,
                           std::string_view provider) {
  if (!error.Is(core::errc::kDisabledEndpoint)) return ErrorResponse(request, error);
  // GoTrue answers an unknown and a switched-off provider alike.
  const std::string why =
      config::IsBuiltInProvider(provider) ? "it is not enabled" : "no such provider is configured";
  return Render(request, Problem{400, "validation_failed",
                                 "Unsupported provider " + std::string(provider) + ": " + why});
}

http::Response StartRedirect(const Deps& deps, const http::Request& request,
                             std::string_view route_suffix, const auth::OAuthStart& start,
                             std::string url) {
  http::Response r = NoStoreRedirect(std::move(url), 302);
  if (!start.binding.empty()) {
    // Scoped to the mount, so that /callback sees what /authorize set.
    std::string path = request.path.substr(0, request.path.size() - route_suffix.size());
    r.headers.emplace_back("Set-Cookie", BindingCookie(deps.config, path, start.binding));
  }
  return r;
}

http::Handler Authorize(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto start = ParseOAuthStart(deps, request);
    if (!start) return respond(ErrorResponse(request, start.error()));
    start->binding = StartBinding(deps.config, request);
    auto url = deps.oauth->Start(*start);
    if (!url) return respond(StartFailed(request, url.error(), start->provider));
    respond(StartRedirect(deps, request, "/authorize", *start, std::move(*url)));
  };
}

http::Handler CallbackGet(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auth::OAuthCallback cb = ParseCallback(deps, request, request.query);
    respond(NoStoreRedirect(CallbackRedirect(cb, deps.oauth->Callback(cb)), 302));
  };
}

http::Handler CallbackPost(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    // Apple's form_post; a query string works too. 303: the browser follows with a GET.
    auth::OAuthCallback cb =
        ParseCallback(deps, request, request.body.empty() ? request.query : request.body);
    respond(NoStoreRedirect(CallbackRedirect(cb, deps.oauth->Callback(cb)), 303));
  };
}

}  // namespace gh::api::gotrue

// POST /token?grant_type=pkce {auth_code, code_verifier}: the code the
// callback handed the app, with the verifier of the challenge the app sent to
// /authorize (exchangeCodeForSession). POST /token?grant_type=id_token
// {provider, id_token, nonce}: a provider's ID token a native app got from the
// provider's SDK (signInWithIdToken). Both answer a Session.
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"
#include "config/settings.h"

namespace gh::api::gotrue {
namespace {

// A non-empty string member, or "" (absent, null, empty). Errors: a member of another type.
core::Result<std::string> StringOrEmpty(const Json& body, const char* name) {
  auto v = OptString(body, name);
  if (!v) return v.error();
  return v->value_or("");
}

http::Response PkceAnswer(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return ErrorResponse(request, body.error());
  auto code = StringOrEmpty(*body, "auth_code");
  if (!code) return ErrorResponse(request, code.error());
  auto verifier = StringOrEmpty(*body, "code_verifier");
  if (!verifier) return ErrorResponse(request, verifier.error());
  if (code->empty() || verifier->empty())
    return Render(request, Problem{400, "validation_failed",
                                   "Both auth_code and code_verifier must be given"});
  auth::GrantRedemption r;
  r.code = std::move(*code);
  r.code_verifier = std::move(*verifier);
  r.client = ClientOf(request);
  r.second_factor = &kSecondFactorPolicy;
  auto redeemed = deps.oauth->Redeem(r);
  if (!redeemed) {
    if (redeemed.error().Is(core::errc::kInvalidTicket))
      return Render(request, Problem{404, "flow_state_not_found",
                                     "No sign-in waits for this code: it is unknown or was "
                                     "already used"});
    return ErrorResponse(request, redeemed.error());
  }
  auto json = SignInBody(deps, redeemed->sign_in);
  if (!json) return ErrorResponse(request, json.error());
  if (!redeemed->provider_access_token.empty())
    (*json)["provider_token"] = redeemed->provider_access_token;
  if (!redeemed->provider_refresh_token.empty())
    (*json)["provider_refresh_token"] = redeemed->provider_refresh_token;
  return Ok(*json);
}

http::Response IdTokenAnswer(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return ErrorResponse(request, body.error());
  auto provider = StringOrEmpty(*body, "provider");
  if (!provider) return ErrorResponse(request, provider.error());
  auto id_token = StringOrEmpty(*body, "id_token");
  if (!id_token) return ErrorResponse(request, id_token.error());
  auto nonce = StringOrEmpty(*body, "nonce");
  if (!nonce) return ErrorResponse(request, nonce.error());
  // GoTrue answers these in the OAuth error shape.
  if (id_token->empty()) return RenderOAuthError(400, "invalid request", "id_token required");
  if (provider->empty())
    return RenderOAuthError(400, "invalid request",
                            "provider required (this server trusts no issuer by URL)");
  if (auto link = body->find("link_identity");
      link != body->end() && link->is_boolean() && link->get<bool>())
    return Render(request, Problem{400, "validation_failed",
                                   "link_identity is not served here: link through "
                                   "GET /user/identities/authorize"});
  auth::IdTokenSignIn req;
  req.provider = *provider;
  req.id_token = std::move(*id_token);
  if (!nonce->empty()) req.nonce = std::move(*nonce);
  req.client = ClientOf(request);
  req.second_factor = &kSecondFactorPolicy;
  auto out = deps.oauth->SignInWithIdToken(req);
  if (!out) {
    const core::Error& e = out.error();
    if (e.Is(core::errc::kInvalidToken))
      return RenderOAuthError(400, "invalid request", "Bad ID token: " + e.message);
    if (e.Is(core::errc::kDisabledEndpoint)) {
      if (config::IsBuiltInProvider(*provider))
        return Render(request, Problem{400, "provider_disabled",
                                       "Sign-in with " + *provider + " ID tokens is not enabled"});
      return Render(request, Problem{400, "validation_failed",
                                     "Provider " + *provider + " is not configured here"});
    }
    return ErrorResponse(request, e);
  }
  auto json = SignInBody(deps, *out);
  return json ? Ok(*json) : ErrorResponse(request, json.error());
}

}  // namespace

http::Handler TokenPkce(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    respond(PkceAnswer(deps, request));
  };
}

http::Handler TokenIdToken(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    respond(IdTokenAnswer(deps, request));
  };
}

}  // namespace gh::api::gotrue

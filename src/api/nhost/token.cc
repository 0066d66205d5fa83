// POST /token, POST /token/verify, POST /signout
#include "api/common/shared_answers.h"
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {

core::Result<auth::AccessClaims> VerifyBearer(const Deps& deps, const http::Request& request) {
  return BearerClaims(deps.tokens, request);
}

core::Result<auth::AccessClaims> Authenticate(const Deps& deps, const http::Request& request) {
  auto claims = VerifyBearer(deps, request);
  if (!claims) return claims;
  // A signed-out or reuse-revoked session must not keep acting for its user
  // until the access token expires; these routes read the store anyway.
  if (auto live = deps.sessions.RequireLive(claims->session_id); !live) return live.error();
  return claims;
}

http::Handler RefreshToken(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto body = ParseJsonObject(request.body);
    if (!body) return respond(ErrorResponse(body.error()));
    auto token = ReqString(*body, "refreshToken");
    if (!token) return respond(ErrorResponse(token.error()));
    auto grant = deps.sessions.Refresh(*token, ClientOf(request));
    respond(grant ? Ok(SessionJson(*grant)) : ErrorResponse(grant.error()));
  };
}

http::Handler VerifyToken(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto body = ParseJsonObject(request.body, /*empty_ok=*/true);
    if (!body) return respond(ErrorResponse(body.error()));
    auto token = OptString(*body, "token");
    if (!token) return respond(ErrorResponse(token.error()));
    // Stateless by default (a JWT check, as the app's own services would do);
    // token_verify_checks_session adds the session read GET /user does.
    auto claims = token->has_value() ? deps.tokens.Verify(**token) : VerifyBearer(deps, request);
    if (claims && deps.config.token_verify_checks_session) {
      if (auto live = deps.sessions.RequireLive(claims->session_id); !live)
        return respond(ErrorResponse(live.error()));
    }
    respond(claims ? OkString() : ErrorResponse(claims.error()));
  };
}

http::Handler SignOut(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto body = ParseJsonObject(request.body, /*empty_ok=*/true);
    if (!body) return respond(ErrorResponse(body.error()));
    auto token = OptString(*body, "refreshToken");
    if (!token) return respond(ErrorResponse(token.error()));
    auto all = OptBool(*body, "all");
    if (!all) return respond(ErrorResponse(all.error()));

    if (all->value_or(false)) {
      // Signing out everywhere is an act of the user, so it needs their access token.
      auto claims = Authenticate(deps, request);
      if (!claims) return respond(ErrorResponse(claims.error()));
      auto n = deps.sessions.SignOutAll(claims->user_id);
      return respond(n ? OkString() : ErrorResponse(n.error()));
    }
    if (!token->has_value())
      return respond(ErrorResponse(core::Error(
          core::errc::kInvalidRequest, "\"refreshToken\" is required unless \"all\" is true")));
    auto r = deps.sessions.SignOut(**token);
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

}  // namespace gh::api::nhost

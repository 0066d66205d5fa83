// GET /user
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {

http::Handler GetUser(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = VerifyBearer(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    // The session check and the user in one read: a signed-out or revoked
    // session's token is refused, and the hot path stays one indexed read.
    auto user = deps.sessions.LiveSessionUser(claims->session_id, claims->user_id);
    respond(user ? Ok(UserJson(*user)) : ErrorResponse(user.error()));
  };
}

}  // namespace gh::api::nhost

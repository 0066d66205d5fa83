// POST /logout?scope=local|global|others: ends the caller's session, every
// session of the user, or every other one. 204 No Content.
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {

http::Handler Logout(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    const std::string scope =
        request.HasQueryParam("scope") ? request.QueryParam("scope") : "global";
    if (scope != "global" && scope != "local" && scope != "others")
      return respond(Render(request, Problem{400, "validation_failed",
                                             "Unsupported logout scope \"" + scope + "\""}));
    auto claims = VerifyBearer(deps, request);
    if (!claims) return respond(ErrorResponse(request, claims.error()));
    core::Result<void> done = core::Ok();
    if (scope == "local") {
      done = deps.sessions.SignOutSession(claims->user_id, claims->session_id);
    } else if (scope == "others") {
      auto n = deps.sessions.SignOutOthers(claims->user_id, claims->session_id);
      if (!n) done = n.error();
    } else {
      auto n = deps.sessions.SignOutAll(claims->user_id);
      if (!n) done = n.error();
    }
    if (!done) return respond(ErrorResponse(request, done.error()));
    http::Response r;
    r.status = 204;
    r.content_type.clear();
    respond(std::move(r));
  };
}

}  // namespace gh::api::gotrue

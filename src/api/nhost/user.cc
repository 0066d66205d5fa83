// GET /user
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {

http::Handler GetUser(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto user = deps.accounts.Get(claims->user_id);
    respond(user ? Ok(UserJson(*user)) : ErrorResponse(user.error()));
  };
}

}  // namespace gh::api::nhost

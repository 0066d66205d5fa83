// GET /user: the signed-in user, with identities and factors.
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {

http::Handler GetUser(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto user = AuthenticatedUser(deps, request);
    if (!user) return respond(ErrorResponse(request, user.error()));
    auto body = DescribeUser(deps, std::move(*user));
    respond(body ? Ok(*body) : ErrorResponse(request, body.error()));
  };
}

}  // namespace gh::api::gotrue

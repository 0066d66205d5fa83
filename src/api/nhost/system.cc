// GET /healthz, GET /version, GET /.well-known/jwks.json, GET /openapi.json
#include "api/common/shared_answers.h"
#include "api/nhost/endpoints.h"
#include "api/nhost/openapi.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {

http::Handler Healthz(const Deps& deps) {
  return [&deps](http::Request&, http::Responder respond) {
    auto r = deps.accounts.Ping();
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

http::Handler Version(const Deps&) {
  return [](http::Request&, http::Responder respond) {
    respond(Ok(Json{{"version", GATEHOUSE_VERSION}}));
  };
}

http::Handler Jwks(const Deps& deps) {
  return [&deps](http::Request&, http::Responder respond) { respond(JwksResponse(deps.tokens)); };
}

http::Handler OpenApi(const Deps&) {
  return [](http::Request&, http::Responder respond) {
    respond(ContractResponse(NativeOpenApiJson()));
  };
}

}  // namespace gh::api::nhost

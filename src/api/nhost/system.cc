// GET /healthz, GET /version, GET /.well-known/jwks.json, GET /openapi.json
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
  return [&deps](http::Request&, http::Responder respond) {
    http::Response r = http::Response::Json(200, deps.tokens.CurrentKeyRing()->JwksJson());
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    respond(std::move(r));
  };
}

http::Handler OpenApi(const Deps&) {
  return [](http::Request&, http::Responder respond) {
    http::Response r = http::Response::Json(200, std::string(NativeOpenApiJson()));
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    respond(std::move(r));
  };
}

}  // namespace gh::api::nhost

// The native extensions GET /user/sessions, DELETE /user/sessions/{id} and
// DELETE /user/sessions: the signed-in user's sessions as devices (see
// docs/api.md). The listing and the rules are auth::DeviceSessions'.
#include "api/common/device_json.h"
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {
namespace {

Json DeviceSessionJson(const auth::DeviceSession& s) {
  return {{"id", s.id},
          {"createdAt", core::FormatRfc3339(s.created_at)},
          {"lastActiveAt", core::FormatRfc3339(s.last_active_at)},
          {"ip", s.ip},
          {"current", s.current},
          {"userAgent", UserAgentJson(s.user_agent)}};
}

}  // namespace

http::Handler ListUserSessions(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto sessions = deps.devices->List(claims->user_id, claims->session_id);
    if (!sessions) return respond(ErrorResponse(sessions.error()));
    Json list = Json::array();
    for (const auto& s : *sessions) list.push_back(DeviceSessionJson(s));
    respond(Ok(Json{{"sessions", std::move(list)}}));
  };
}

http::Handler RevokeUserSession(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto r = deps.devices->Revoke(claims->user_id, request.PathParam("id"));
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

http::Handler RevokeOtherUserSessions(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto n = deps.devices->RevokeOthers(claims->user_id, claims->session_id);
    respond(n ? OkString() : ErrorResponse(n.error()));
  };
}

}  // namespace gh::api::nhost

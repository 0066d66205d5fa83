// POST /user/password/reset, POST /user/password
#include "api/nhost/email_routes.h"
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"
#include "api/nhost/sets_password.h"

namespace gh::api::nhost {

http::Handler ResetPassword(const Deps& deps, const EmailDeps& email) {
  return [&deps, &email](http::Request& request, http::Responder respond) {
    auto req = ParseAddressRequest(request);
    if (!req) return respond(ErrorResponse(req.error()));
    auto r = email.reset.RequestReset(req->email, req->redirect_to, deps.links);
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

// With a ticket: the reset; without one: a signed-in change (Bearer token).
http::Handler ChangePassword(const Deps& deps, const EmailDeps& email) {
  return [&deps, &email](http::Request& request, http::Responder respond) {
    auto run = [&deps, &email](const http::Request& req) -> core::Result<void> {
      auto body = ParseJsonObject(req.body);
      if (!body) return body.error();
      if (auto r = OnlyMembers(*body, {"newPassword", "ticket"}); !r) return r.error();
      auto password = ReqString(*body, "newPassword");
      if (!password) return password.error();
      auto ticket = OptString(*body, "ticket");
      if (!ticket) return ticket.error();
      if (*ticket) {
        if (ticket->value().rfind("passwordReset:", 0) != 0)
          return core::Error(core::errc::kInvalidTicket, "Invalid or expired ticket");
        return email.reset.ResetWithTicket(**ticket, *password);
      }
      auto claims = Authenticate(deps, req);
      if (!claims) return claims.error();
      return email.reset.Change(claims->user_id, claims->session_id, *password);
    };
    SetsPassword(deps, request, std::move(respond), "newPassword", [run](const http::Request& r) {
      auto out = run(r);
      return out ? OkString() : ErrorResponse(out.error());
    });
  };
}

}  // namespace gh::api::nhost

// POST /user/email/change, POST /user/email/send-verification-email
#include "api/nhost/email_routes.h"
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {

// The spec's OptionsRedirectTo under "options".
core::Result<std::optional<std::string>> ParseRedirectOption(const Json& body) {
  auto it = body.find("options");
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_object())
    return core::Error(core::errc::kInvalidRequest, "\"options\" must be an object");
  if (auto r = OnlyMembers(*it, {"redirectTo"}); !r) return r.error();
  return OptString(*it, "redirectTo");
}

http::Handler ChangeEmail(const Deps& deps, const EmailDeps& email) {
  return [&deps, &email](http::Request& request, http::Responder respond) {
    auto run = [&]() -> core::Result<void> {
      auto claims = Authenticate(deps, request);
      if (!claims) return claims.error();
      auto body = ParseJsonObject(request.body);
      if (!body) return body.error();
      if (auto r = OnlyMembers(*body, {"newEmail", "options"}); !r) return r.error();
      auto address = ReqString(*body, "newEmail");
      if (!address) return address.error();
      auto redirect = ParseRedirectOption(*body);
      if (!redirect) return redirect.error();
      return email.change.Request(claims->user_id, *address, *redirect, deps.links);
    };
    auto r = run();
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

core::Result<AddressRequest> ParseAddressRequest(const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"email", "options"}); !r) return r.error();
  auto address = ReqString(*body, "email");
  if (!address) return address.error();
  auto redirect = ParseRedirectOption(*body);
  if (!redirect) return redirect.error();
  return AddressRequest{std::move(*address), std::move(*redirect)};
}

http::Handler SendVerificationEmail(const Deps& deps, const EmailDeps& email) {
  return [&deps, &email](http::Request& request, http::Responder respond) {
    auto req = ParseAddressRequest(request);
    if (!req) return respond(ErrorResponse(req.error()));
    auto r = email.verification.Resend(req->email, req->redirect_to, deps.links);
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

}  // namespace gh::api::nhost

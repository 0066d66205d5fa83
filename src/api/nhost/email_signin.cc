// POST /signin/passwordless/email, POST /signin/otp/email, POST /signin/otp/email/verify
#include "api/nhost/email_routes.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {
namespace {

core::Result<auth::PasswordlessEmailRequest> ParseStart(const Deps& deps,
                                                        const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"email", "options"}); !r) return r.error();
  auto email = ReqString(*body, "email");
  if (!email) return email.error();
  auto options = ParseSignUpOptions(*body);
  if (!options) return options.error();
  return auth::PasswordlessEmailRequest{std::move(*email), std::move(*options), ClientOf(request),
                                        &deps.links};
}

}  // namespace

http::Handler SignInPasswordlessEmail(const Deps& deps, const EmailDeps& email) {
  return [&deps, &email](http::Request& request, http::Responder respond) {
    auto req = ParseStart(deps, request);
    if (!req) return respond(ErrorResponse(req.error()));
    auto r = email.passwordless.SendMagicLink(*req);
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

http::Handler SignInOtpEmail(const Deps& deps, const EmailDeps& email) {
  return [&deps, &email](http::Request& request, http::Responder respond) {
    auto req = ParseStart(deps, request);
    if (!req) return respond(ErrorResponse(req.error()));
    auto r = email.passwordless.SendCode(*req);
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

http::Handler VerifyOtpEmail(const Deps&, const EmailDeps& email) {
  return [&email](http::Request& request, http::Responder respond) {
    auto run = [&]() -> core::Result<auth::SignInOutcome> {
      auto body = ParseJsonObject(request.body);
      if (!body) return body.error();
      if (auto r = OnlyMembers(*body, {"email", "otp"}); !r) return r.error();
      auto address = ReqString(*body, "email");
      if (!address) return address.error();
      auto otp = ReqString(*body, "otp");
      if (!otp) return otp.error();
      return email.passwordless.VerifyCode(*address, *otp, ClientOf(request));
    };
    auto outcome = run();
    // {mfa: {ticket}} when a second factor is due, as sign-in by password answers.
    respond(outcome ? Ok(SignInJson(*outcome)) : ErrorResponse(outcome.error()));
  };
}

}  // namespace gh::api::nhost

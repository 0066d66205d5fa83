// Mails (and texts) asked for again: POST /recover (resetPasswordForEmail),
// POST /resend (a sign-up confirmation, an email change, or a phone code), and
// GET /reauthenticate (the code a password change may need, as `nonce`).
//
// /recover and /resend answer {} whether the address has an account or not
// (the flows look the account up after answering); only the address's own
// mail budget (429 over_email_send_rate_limit) shows, alike for every address.
#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {
namespace {

core::Result<void> RunRecover(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto email = ReqString(*body, "email");
  if (!email) return email.error();
  return deps.reset.RequestReset(*email, RedirectParam(request, *body), deps.links);
}

core::Result<void> RunResendPhone(const Deps& deps, const http::Request& request, const Json& body,
                                  const std::string& type) {
  if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone logins are disabled");
  auto phone = ReqString(body, "phone");
  if (!phone) return phone.error();
  if (type == "sms") {
    // A sign-in code again, for a number that has an account.
    auth::SmsCodeRequest req;
    req.phone_number = std::move(*phone);
    req.create_user = false;
    req.client = ClientOf(request);
    return deps.sms->SendSignInCode(req);
  }
  // phone_change: the code to the new number again, for the signed-in user.
  auto user = AuthenticatedUser(deps, request);
  if (!user) return user.error();
  return deps.sms->RequestPhoneChange({user->id, std::move(*phone), notify::SmsChannel::kSms});
}

// The body's `type` when it is a phone one (sms, phone_change); "" otherwise.
std::string ResendType(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto type = body.is_object() ? body.find("type") : body.end();
  if (!body.is_object() || type == body.end() || !type->is_string()) return "";
  return type->get<std::string>();
}

}  // namespace

bool IsPhoneResend(const http::Request& request) {
  const std::string type = ResendType(request);
  return type == "sms" || type == "phone_change";
}

bool IsEmailChangeResend(const http::Request& request) {
  return ResendType(request) == "email_change";
}

http::Handler Recover(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto sent = RunRecover(deps, request);
    respond(sent ? Ok(Json::object()) : Render(request, EmailProblem(sent.error())));
  };
}

http::Handler Resend(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto run = [&]() -> core::Result<void> {
      auto body = ParseJsonObject(request.body);
      if (!body) return body.error();
      auto type = ReqString(*body, "type");
      if (!type) return type.error();
      if (*type == "sms" || *type == "phone_change")
        return RunResendPhone(deps, request, *body, *type);
      if (*type != "signup" && *type != "email_change")
        return core::Error(core::errc::kInvalidRequest,
                           "Missing one of these types: signup, email_change, sms, phone_change");
      auto email = ReqString(*body, "email");
      if (!email) return email.error();
      auto redirect = RedirectParam(request, *body);
      if (*type == "signup") return deps.verification.Resend(*email, redirect, deps.links);
      return deps.email_change.Resend(*email, redirect, deps.links);
    };
    auto sent = run();
    if (sent) return respond(Ok(Json::object()));
    respond(Render(
        request, IsPhoneResend(request) ? PhoneProblem(sent.error()) : EmailProblem(sent.error())));
  };
}

http::Handler Reauthenticate(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto user = AuthenticatedUser(deps, request);
    if (!user) return respond(ErrorResponse(request, user.error()));
    auto sent = deps.reset.SendReauthentication(user->id);
    if (sent) return respond(Ok(Json::object()));
    if (sent.error().Is(core::errc::kInvalidRequest))
      return respond(Render(request, Problem{422, "reauthentication_not_valid",
                                             "Reauthentication requires an email address"}));
    respond(Render(request, EmailProblem(sent.error())));
  };
}

}  // namespace gh::api::gotrue

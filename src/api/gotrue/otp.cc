// POST /otp: a one-time code to a phone number by SMS or WhatsApp (supabase-js
// signInWithOtp({phone})), or a mail to an address with a magic link and the
// six-digit code beside it (signInWithOtp({email}); POST /magiclink, its older
// name, too). The answer is the same whether the number or address has an
// account or not; create_user false only keeps an unknown one from getting an
// account (and a message).
#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {

core::Result<notify::SmsChannel> ParseChannel(const Json& body) {
  auto channel = OptString(body, "channel");
  if (!channel) return channel.error();
  if (!channel->has_value() || **channel == "sms") return notify::SmsChannel::kSms;
  if (**channel == "whatsapp") return notify::SmsChannel::kWhatsApp;
  return core::Error(core::errc::kInvalidRequest, "channel must be sms or whatsapp");
}

Problem PhoneProblem(const core::Error& error) {
  Problem p = Translate(error);
  if (error.code == core::errc::kDisabledEndpoint) {
    p.error_code = "phone_provider_disabled";
    p.message = "Unsupported phone provider";
  }
  // GoTrue names the budget that refused a message.
  if (error.code == core::errc::kTooManyRequests) p.error_code = "over_sms_send_rate_limit";
  return p;
}

Problem EmailProblem(const core::Error& error) {
  Problem p = TranslateDisabled(error, "email_provider_disabled", "Email logins are disabled");
  // GoTrue names the budget that refused a mail.
  if (error.code == core::errc::kTooManyRequests) p.error_code = "over_email_send_rate_limit";
  return p;
}

std::optional<std::string> RedirectParam(const http::Request& request, const Json& body) {
  if (std::string to = request.QueryParam("redirect_to"); !to.empty()) return to;
  // Some clients put it in the body (GoTrue reads email_redirect_to there too).
  for (const char* name : {"redirect_to", "email_redirect_to"}) {
    auto it = body.find(name);
    if (it != body.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
      return it->get<std::string>();
  }
  return std::nullopt;
}

namespace {

core::Result<void> RunEmail(const Deps& deps, const http::Request& request, const Json& body,
                            bool create_default) {
  auth::PasswordlessEmailRequest req;
  auto email = ReqString(body, "email");
  if (!email) return email.error();
  auto create = OptBool(body, "create_user");
  if (!create) return create.error();
  auto data = OptObjectText(body, "data");
  if (!data) return data.error();
  req.email = std::move(*email);
  req.create_user = create->value_or(create_default);
  req.options.metadata_json = std::move(*data);
  req.options.redirect_to = RedirectParam(request, body);
  req.client = ClientOf(request);
  req.links = &deps.links;
  return deps.passwordless.SendMagicLink(req);
}

core::Result<void> RunPhone(const Deps& deps, const http::Request& request, const Json& body) {
  if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone logins are disabled");
  auth::SmsCodeRequest req;
  auto phone = ReqString(body, "phone");
  if (!phone) return phone.error();
  auto channel = ParseChannel(body);
  if (!channel) return channel.error();
  auto create = OptBool(body, "create_user");
  if (!create) return create.error();
  auto data = OptObjectText(body, "data");
  if (!data) return data.error();
  req.phone_number = std::move(*phone);
  req.channel = *channel;
  req.create_user = create->value_or(true);
  req.options.metadata_json = std::move(*data);
  req.client = ClientOf(request);
  return deps.sms->SendSignInCode(req);
}

}  // namespace

http::Handler Otp(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto body = ParseJsonObject(request.body);
    if (!body) return respond(ErrorResponse(request, body.error()));
    auto phone = OptString(*body, "phone");
    if (!phone) return respond(ErrorResponse(request, phone.error()));
    if (!phone->has_value() || (*phone)->empty()) {
      if (!body->contains("email"))
        return respond(Render(request, Problem{400, "validation_failed",
                                               "An email address or a phone number is required"}));
      auto sent = RunEmail(deps, request, *body, /*create_default=*/true);
      return respond(sent ? Ok(Json::object()) : Render(request, EmailProblem(sent.error())));
    }
    auto sent = RunPhone(deps, request, *body);
    respond(sent ? Ok(Json::object()) : Render(request, PhoneProblem(sent.error())));
  };
}

bool IsPhoneOtp(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return false;
  auto phone = body.find("phone");
  return phone != body.end() && phone->is_string() && !phone->get_ref<const std::string&>().empty();
}

http::Handler MagicLink(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto body = ParseJsonObject(request.body);
    if (!body) return respond(ErrorResponse(request, body.error()));
    auto sent = RunEmail(deps, request, *body, /*create_default=*/true);
    respond(sent ? Ok(Json::object()) : Render(request, EmailProblem(sent.error())));
  };
}

}  // namespace gh::api::gotrue

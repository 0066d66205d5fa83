// POST /otp: a one-time code to a phone number by SMS or WhatsApp (supabase-js
// signInWithOtp({phone})). The answer is the same whether the number has an
// account or not; create_user false only keeps an unknown number from getting
// an account (and a message).
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

namespace {

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
      // Email codes and magic links are served by a later step of this group.
      return respond(Render(request, Problem{400, "validation_failed",
                                             "Only a phone number is accepted here for now"}));
    }
    auto sent = RunPhone(deps, request, *body);
    respond(sent ? Ok(Json::object()) : Render(request, PhoneProblem(sent.error())));
  };
}

}  // namespace gh::api::gotrue

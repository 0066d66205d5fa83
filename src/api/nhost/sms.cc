// POST /signin/passwordless/sms, POST /signin/passwordless/sms/otp (the spec), and
// the native extensions POST /signup/phone-password, POST /signin/phone-password,
// POST /user/phone/change, POST /user/phone/change/verify (docs/api.md).
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"
#include "api/nhost/sets_password.h"

namespace gh::api::nhost {
namespace {

// The optional "channel" member (our extension): "sms" (default) or "whatsapp".
core::Result<notify::SmsChannel> ParseChannel(const Json& body) {
  auto channel = OptString(body, "channel");
  if (!channel) return channel.error();
  if (!channel->has_value() || **channel == "sms") return notify::SmsChannel::kSms;
  if (**channel == "whatsapp") return notify::SmsChannel::kWhatsApp;
  return core::Error(core::errc::kInvalidRequest, "\"channel\" must be \"sms\" or \"whatsapp\"");
}

core::Result<void> RunSendCode(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"phoneNumber", "options", "channel"}); !r) return r.error();
  auth::SmsCodeRequest req;
  auto phone = ReqString(*body, "phoneNumber");
  if (!phone) return phone.error();
  auto channel = ParseChannel(*body);
  if (!channel) return channel.error();
  auto options = ParseSignUpOptions(*body);
  if (!options) return options.error();
  req.phone_number = std::move(*phone);
  req.channel = *channel;
  req.options = std::move(*options);
  req.client = ClientOf(request);
  return deps.sms->SendSignInCode(req);
}

core::Result<auth::SignInOutcome> RunSignInOtp(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"phoneNumber", "otp"}); !r) return r.error();
  auto phone = ReqString(*body, "phoneNumber");
  if (!phone) return phone.error();
  auto otp = ReqString(*body, "otp");
  if (!otp) return otp.error();
  return deps.sms->SignIn({std::move(*phone), std::move(*otp), ClientOf(request)});
}

core::Result<auth::SignInOutcome> RunPhoneSignUp(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"phoneNumber", "password", "options", "channel"}); !r)
    return r.error();
  auto phone = ReqString(*body, "phoneNumber");
  if (!phone) return phone.error();
  auto password = ReqString(*body, "password");
  if (!password) return password.error();
  auto channel = ParseChannel(*body);
  if (!channel) return channel.error();
  auto options = ParseSignUpOptions(*body);
  if (!options) return options.error();
  auth::PhonePasswordSignUp req{std::move(*phone), std::move(*password), *channel,
                                std::move(*options), ClientOf(request)};
  return deps.sms->SignUpWithPassword(req);
}

core::Result<auth::SignInOutcome> RunPhoneSignIn(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"phoneNumber", "password"}); !r) return r.error();
  auto phone = ReqString(*body, "phoneNumber");
  if (!phone) return phone.error();
  auto password = ReqString(*body, "password");
  if (!password) return password.error();
  return deps.sms->SignInWithPassword({std::move(*phone), std::move(*password), ClientOf(request)});
}

core::Result<void> RunPhoneChange(const Deps& deps, const http::Request& request) {
  auto claims = Authenticate(deps, request);
  if (!claims) return claims.error();
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"newPhoneNumber", "channel"}); !r) return r.error();
  auto phone = ReqString(*body, "newPhoneNumber");
  if (!phone) return phone.error();
  auto channel = ParseChannel(*body);
  if (!channel) return channel.error();
  return deps.sms->RequestPhoneChange({claims->user_id, std::move(*phone), *channel});
}

core::Result<core::User> RunPhoneChangeVerify(const Deps& deps, const http::Request& request) {
  auto claims = Authenticate(deps, request);
  if (!claims) return claims.error();
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"newPhoneNumber", "otp"}); !r) return r.error();
  auto phone = ReqString(*body, "newPhoneNumber");
  if (!phone) return phone.error();
  auto otp = ReqString(*body, "otp");
  if (!otp) return otp.error();
  return deps.sms->VerifyPhoneChange({claims->user_id, std::move(*phone), std::move(*otp)});
}

}  // namespace

http::Handler SignInPasswordlessSms(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto r = RunSendCode(deps, request);
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

http::Handler SignInPasswordlessSmsOtp(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunSignInOtp(deps, request);
    respond(out ? Ok(SignInJson(*out)) : ErrorResponse(out.error()));
  };
}

http::Handler SignUpPhonePassword(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    SetsPassword(deps, request, std::move(respond), "password", [&deps](const http::Request& r) {
      auto out = RunPhoneSignUp(deps, r);
      return out ? Ok(SignInJson(*out)) : ErrorResponse(out.error());
    });
  };
}

http::Handler SignInPhonePassword(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunPhoneSignIn(deps, request);
    respond(out ? Ok(SignInJson(*out)) : ErrorResponse(out.error()));
  };
}

http::Handler ChangePhone(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto r = RunPhoneChange(deps, request);
    respond(r ? OkString() : ErrorResponse(r.error()));
  };
}

http::Handler VerifyPhoneChange(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunPhoneChangeVerify(deps, request);
    respond(out ? Ok(UserJson(*out)) : ErrorResponse(out.error()));
  };
}

}  // namespace gh::api::nhost

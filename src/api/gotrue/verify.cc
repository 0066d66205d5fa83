// POST /verify: the code a phone got, as supabase-js verifyOtp sends it:
// type "sms" signs in, type "phone_change" moves the user the code was sent for
// to the new number (as GoTrue, no user token: supabase-js sends none).
#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {
namespace {

core::Result<Json> RunPhone(const Deps& deps, const http::Request& request, const Json& body,
                            const std::string& type) {
  if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone logins are disabled");
  auto phone = ReqString(body, "phone");
  if (!phone) return phone.error();
  auto token = ReqString(body, "token");
  if (!token) return token.error();
  if (type == "sms") {
    auth::SmsCodeSignIn req{std::move(*phone), std::move(*token), ClientOf(request),
                            &kSecondFactorPolicy};
    auto out = deps.sms->SignIn(req);
    if (!out) return out.error();
    return SignInBody(deps, *out);
  }
  if (type == "phone_change") {
    auto changed = deps.sms->VerifyPhoneChange({"", std::move(*phone), std::move(*token)});
    if (!changed) return changed.error();
    return DescribeUser(deps, std::move(*changed));
  }
  return core::Error(core::errc::kInvalidRequest, "Verify requires a verification type");
}

}  // namespace

bool IsPhoneChangeVerify(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto type = body.is_object() ? body.find("type") : body.end();
  return body.is_object() && type != body.end() && *type == "phone_change";
}

http::Handler Verify(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto body = ParseJsonObject(request.body);
    if (!body) return respond(ErrorResponse(request, body.error()));
    auto type = ReqString(*body, "type");
    if (!type) return respond(ErrorResponse(request, type.error()));
    auto phone = OptString(*body, "phone");
    if (!phone) return respond(ErrorResponse(request, phone.error()));
    if (!phone->has_value()) {
      // Email codes and token hashes are served by a later step of this group.
      return respond(Render(request, Problem{400, "validation_failed",
                                             "Only phone codes are verified here for now"}));
    }
    auto out = RunPhone(deps, request, *body, *type);
    respond(out ? Ok(*out) : Render(request, PhoneProblem(out.error())));
  };
}

}  // namespace gh::api::gotrue

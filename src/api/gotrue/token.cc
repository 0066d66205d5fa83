// POST /token?grant_type=password and ?grant_type=refresh_token; any other
// grant type answers GoTrue's "unsupported_grant_type".
#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {
namespace {

core::Result<Json> RunPassword(const Deps& deps, const http::Request& request, bool* by_phone) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto email = OptString(*body, "email");
  if (!email) return email.error();
  auto phone = OptString(*body, "phone");
  if (!phone) return phone.error();
  auto password = OptString(*body, "password");
  if (!password) return password.error();
  const bool has_email = email->has_value() && !(*email)->empty();
  const bool has_phone = phone->has_value() && !(*phone)->empty();
  if (!has_email && !has_phone)
    return core::Error(core::errc::kInvalidRequest, "missing email or phone");
  if (!password->has_value())
    return core::Error(core::errc::kInvalidEmailPassword, "missing password");
  core::Result<auth::SignInOutcome> out = core::Error(core::errc::kInternal, "unreachable");
  if (has_email) {
    auth::PasswordSignIn req{std::move(**email), std::move(**password), ClientOf(request),
                             &kSecondFactorPolicy};
    out = deps.password.SignIn(req);
  } else {
    *by_phone = true;
    if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone logins are disabled");
    auth::PhonePasswordSignIn req{std::move(**phone), std::move(**password), ClientOf(request),
                                  &kSecondFactorPolicy};
    out = deps.sms->SignInWithPassword(req);
  }
  if (!out) return out.error();
  return SignInBody(deps, *out);
}

core::Result<Json> RunRefresh(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto token = OptString(*body, "refresh_token");
  if (!token) return token.error();
  if (!token->has_value() || (*token)->empty())
    return core::Error(core::errc::kInvalidRefreshToken, "refresh_token required");
  auto grant = deps.sessions.Refresh(**token);
  if (!grant) return grant.error();
  auto profile = deps.accounts.Describe(grant->user);
  if (!profile) return profile.error();
  return SessionJson(*grant, *profile, deps.config.jwt_audience);
}

}  // namespace

http::Handler TokenPassword(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    bool by_phone = false;
    auto out = RunPassword(deps, request, &by_phone);
    if (out) return respond(Ok(*out));
    Problem p = Translate(out.error());
    if (by_phone && out.error().code == core::errc::kUnverifiedUser)
      p = Problem{400, "phone_not_confirmed", "Phone not confirmed"};
    if (out.error().code == core::errc::kDisabledEndpoint)
      p.error_code = by_phone ? "phone_provider_disabled" : "email_provider_disabled";
    respond(Render(request, p));
  };
}

http::Handler TokenRefresh(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunRefresh(deps, request);
    respond(out ? Ok(*out) : ErrorResponse(request, out.error()));
  };
}

http::Handler TokenUnsupported(const Deps&) {
  return [](http::Request& request, http::Responder respond) {
    respond(Render(request, Problem{400, "validation_failed", "unsupported_grant_type"}));
  };
}

}  // namespace gh::api::gotrue

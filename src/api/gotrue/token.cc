// POST /token?grant_type=password and ?grant_type=refresh_token; any other
// grant type answers GoTrue's "unsupported_grant_type".
#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {
namespace {

// The password grant's body: an email or a phone, and the password.
struct PasswordGrant {
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::string password;
};

core::Result<PasswordGrant> ParsePasswordGrant(const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto email = OptString(*body, "email");
  if (!email) return email.error();
  auto phone = OptString(*body, "phone");
  if (!phone) return phone.error();
  auto password = OptString(*body, "password");
  if (!password) return password.error();
  PasswordGrant g;
  if (email->has_value() && !(*email)->empty()) g.email = std::move(**email);
  if (phone->has_value() && !(*phone)->empty()) g.phone = std::move(**phone);
  if (!g.email && !g.phone)
    return core::Error(core::errc::kInvalidRequest, "missing email or phone");
  if (!password->has_value())
    return core::Error(core::errc::kInvalidEmailPassword, "missing password");
  g.password = std::move(**password);
  return g;
}

core::Result<auth::SignInOutcome> SignInByPhone(const Deps& deps, const http::Request& request,
                                                PasswordGrant g) {
  if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone logins are disabled");
  auth::PhonePasswordSignIn req{std::move(*g.phone), std::move(g.password), ClientOf(request),
                                &kSecondFactorPolicy};
  return deps.sms->SignInWithPassword(req);
}

core::Result<auth::SignInOutcome> SignInByEmail(const Deps& deps, const http::Request& request,
                                                PasswordGrant g) {
  auth::PasswordSignIn req{std::move(*g.email), std::move(g.password), ClientOf(request),
                           &kSecondFactorPolicy};
  return deps.password.SignIn(req);
}

core::Result<Json> RunRefresh(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto token = OptString(*body, "refresh_token");
  if (!token) return token.error();
  if (!token->has_value() || (*token)->empty())
    return core::Error(core::errc::kInvalidRefreshToken, "refresh_token required");
  auto grant = deps.sessions.Refresh(**token, ClientOf(request));
  if (!grant) return grant.error();
  auto profile = deps.accounts.Describe(std::move(grant->user));  // SessionJson reads the profile's
  if (!profile) return profile.error();
  return SessionJson(*grant, *profile, deps.config.jwt_audience);
}

}  // namespace

http::Handler TokenPassword(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto grant = ParsePasswordGrant(request);
    if (!grant) return respond(ErrorResponse(request, grant.error()));
    const bool by_phone = !grant->email;
    auto out = by_phone ? SignInByPhone(deps, request, std::move(*grant))
                        : SignInByEmail(deps, request, std::move(*grant));
    core::Result<Json> body = out ? SignInBody(deps, *out) : core::Result<Json>(out.error());
    if (body) return respond(Ok(*body));
    Problem p = TranslateDisabled(body.error(),
                                  by_phone ? "phone_provider_disabled" : "email_provider_disabled");
    if (by_phone && body.error().code == core::errc::kUnverifiedUser)
      p = Problem{400, "phone_not_confirmed", "Phone not confirmed"};
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

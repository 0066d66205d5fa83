// POST /signin/email-password
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {
namespace {

core::Result<auth::SignInOutcome> Run(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto email = ReqString(*body, "email");
  if (!email) return email.error();
  auto password = ReqString(*body, "password");
  if (!password) return password.error();
  auth::PasswordSignIn req{std::move(*email), std::move(*password), ClientOf(request),
                           &kSecondFactorPolicy};
  return deps.password.SignIn(req);
}

}  // namespace

http::Handler SignInEmailPassword(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = Run(deps, request);
    respond(out ? Ok(SignInJson(*out)) : ErrorResponse(out.error()));
  };
}

}  // namespace gh::api::nhost

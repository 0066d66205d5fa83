// POST /signup/email-password
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"
#include "api/nhost/sets_password.h"

namespace gh::api::nhost {
namespace {

core::Result<auth::SignInOutcome> Run(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto email = ReqString(*body, "email");
  if (!email) return email.error();
  auto password = ReqString(*body, "password");
  if (!password) return password.error();
  auto options = ParseSignUpOptions(*body);
  if (!options) return options.error();
  auth::EmailPasswordSignUp req{std::move(*email), std::move(*password), std::move(*options),
                                ClientOf(request), &deps.links};
  return deps.password.SignUp(req);
}

}  // namespace

http::Handler SignUpEmailPassword(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    SetsPassword(deps, request, std::move(respond), "password", [&deps](const http::Request& r) {
      auto out = Run(deps, r);
      return out ? Ok(SignInJson(*out)) : ErrorResponse(out.error());
    });
  };
}

}  // namespace gh::api::nhost

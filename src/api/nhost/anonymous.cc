// POST /signin/anonymous, POST /user/deanonymize
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"
#include "api/nhost/sets_password.h"

namespace gh::api::nhost {
namespace {

core::Result<auth::SignInOutcome> RunSignIn(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body, /*empty_ok=*/true);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"displayName", "locale", "metadata"}); !r) return r.error();
  auth::AnonymousSignIn req;
  auto display = OptString(*body, "displayName");
  if (!display) return display.error();
  auto locale = OptString(*body, "locale");
  if (!locale) return locale.error();
  auto metadata = OptObjectText(*body, "metadata");
  if (!metadata) return metadata.error();
  req.display_name = *display;
  req.locale = *locale;
  req.metadata_json = *metadata;
  req.client = ClientOf(request);
  return deps.anonymous.SignIn(req);
}

core::Result<void> RunDeanonymize(const Deps& deps, const http::Request& request) {
  auto claims = Authenticate(deps, request);
  if (!claims) return claims.error();
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"signInMethod", "email", "password", "connection", "options"});
      !r)
    return r.error();
  auto method = ReqString(*body, "signInMethod");
  if (!method) return method.error();
  auto email = ReqString(*body, "email");
  if (!email) return email.error();
  auto password = OptString(*body, "password");
  if (!password) return password.error();
  auto options = ParseSignUpOptions(*body);
  if (!options) return options.error();
  auth::DeanonymizeRequest req{claims->user_id,   claims->session_id,   std::move(*method),
                               std::move(*email), std::move(*password), std::move(*options),
                               &deps.links};
  return deps.anonymous.Deanonymize(req);
}

}  // namespace

http::Handler SignInAnonymous(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunSignIn(deps, request);
    respond(out ? Ok(SignInJson(*out)) : ErrorResponse(out.error()));
  };
}

http::Handler DeanonymizeUser(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    SetsPassword(deps, request, std::move(respond), "password", [&deps](const http::Request& req) {
      auto r = RunDeanonymize(deps, req);
      return r ? OkString() : ErrorResponse(r.error());
    });
  };
}

}  // namespace gh::api::nhost

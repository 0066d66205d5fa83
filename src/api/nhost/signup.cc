// POST /signup/email-password
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {
namespace {

// The spec's SignUpOptions; unknown members are refused as the spec's
// additionalProperties: false says.
core::Result<auth::SignUpOptions> ParseOptions(const Json& body) {
  auth::SignUpOptions o;
  auto it = body.find("options");
  if (it == body.end() || it->is_null()) return o;
  if (!it->is_object())
    return core::Error(core::errc::kInvalidRequest, "\"options\" must be an object");
  const Json& opts = *it;
  for (const auto& [key, _] : opts.items()) {
    if (key != "displayName" && key != "locale" && key != "metadata" && key != "defaultRole" &&
        key != "allowedRoles" && key != "redirectTo")
      return core::Error(core::errc::kInvalidRequest, "Unknown option \"" + key + "\"");
  }
  auto display = OptString(opts, "displayName");
  if (!display) return display.error();
  auto locale = OptString(opts, "locale");
  if (!locale) return locale.error();
  auto role = OptString(opts, "defaultRole");
  if (!role) return role.error();
  auto roles = OptStringArray(opts, "allowedRoles");
  if (!roles) return roles.error();
  auto metadata = OptObjectText(opts, "metadata");
  if (!metadata) return metadata.error();
  auto redirect = OptString(opts, "redirectTo");
  if (!redirect) return redirect.error();
  o.display_name = *display;
  o.locale = *locale;
  o.default_role = *role;
  o.allowed_roles = *roles;
  o.metadata_json = *metadata;
  o.redirect_to = *redirect;
  return o;
}

core::Result<auth::SignInOutcome> Run(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto email = ReqString(*body, "email");
  if (!email) return email.error();
  auto password = ReqString(*body, "password");
  if (!password) return password.error();
  auto options = ParseOptions(*body);
  if (!options) return options.error();
  auth::EmailPasswordSignUp req{std::move(*email), std::move(*password), std::move(*options),
                                ClientOf(request)};
  return deps.password.SignUp(req);
}

}  // namespace

http::Handler SignUpEmailPassword(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = Run(deps, request);
    respond(out ? Ok(SignInJson(*out)) : ErrorResponse(out.error()));
  };
}

}  // namespace gh::api::nhost

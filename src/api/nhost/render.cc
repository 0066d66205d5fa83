#include "api/nhost/render.h"

#include "api/nhost/nhost.h"
#include "core/clock.h"
#include "core/text.h"

namespace gh::api::nhost {

Json UserJson(const core::User& u) {
  Json metadata = Json::parse(u.metadata_json, nullptr, /*allow_exceptions=*/false);
  if (!metadata.is_object()) metadata = Json::object();
  Json j = {
      {"id", u.id},
      {"createdAt", core::FormatRfc3339(u.created_at)},
      {"displayName", u.display_name},
      {"avatarUrl", u.avatar_url},
      {"locale", u.locale},
      {"emailVerified", u.email_verified()},
      {"phoneNumberVerified", u.phone_number_verified()},
      {"defaultRole", u.default_role},
      {"roles", u.roles},
      {"isAnonymous", u.is_anonymous},
      {"metadata", metadata},
      {"activeMfaType", u.verified_mfa_type ? Json(*u.verified_mfa_type) : Json(nullptr)},
  };
  if (u.email) j["email"] = *u.email;
  if (u.phone_number) j["phoneNumber"] = *u.phone_number;
  return j;
}

Json SessionJson(const auth::SessionGrant& g) {
  return {
      {"accessToken", g.access_token},   {"accessTokenExpiresIn", g.access_token_expires_in},
      {"refreshToken", g.refresh_token}, {"refreshTokenId", g.refresh_token_id},
      {"user", UserJson(g.user)},
  };
}

Json SignInJson(const auth::SignInOutcome& o) {
  // The spec marks neither member nullable: a missing one is left out.
  Json j = Json::object();
  if (o.session) j["session"] = SessionJson(*o.session);
  if (o.mfa) j["mfa"] = Json{{"ticket", o.mfa->ticket}};
  return j;
}

// The spec's SignUpOptions; unknown members are refused as the spec's
// additionalProperties: false says.
core::Result<auth::SignUpOptions> ParseSignUpOptions(const Json& body) {
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

core::Result<void> OnlyMembers(const Json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, _] : body.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) return core::Error(core::errc::kInvalidRequest, "Unknown member \"" + key + "\"");
  }
  return core::Ok();
}

namespace {
// Invalid UTF-8 that slipped into a value is replaced, not thrown at the worker.
std::string Dump(const Json& body) {
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}
}  // namespace

http::Response Ok(const Json& body) { return http::Response::Json(200, Dump(body)); }

http::Response OkString() { return http::Response::Json(200, "\"OK\""); }

}  // namespace gh::api::nhost

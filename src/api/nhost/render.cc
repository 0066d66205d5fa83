#include "api/nhost/render.h"

#include "api/nhost/nhost.h"
#include "core/clock.h"

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
      {"emailVerified", u.email_verified},
      {"phoneNumberVerified", u.phone_number_verified},
      {"defaultRole", u.default_role},
      {"roles", u.roles},
      {"isAnonymous", u.is_anonymous},
      {"metadata", metadata},
      {"activeMfaType", u.active_mfa_type ? Json(*u.active_mfa_type) : Json(nullptr)},
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

http::Response Ok(const Json& body) { return http::Response::Json(200, body.dump()); }

http::Response OkString() { return http::Response::Json(200, "\"OK\""); }

core::ClientInfo ClientOf(const http::Request& request) {
  return core::ClientInfo{request.remote_ip, std::string(request.Header("user-agent"))};
}

http::Response ErrorResponse(const core::Error& error) {
  int status = http::DefaultStatusFor(error.code);
  // The native vocabulary has no code for a bad access token; a request carrying
  // one is simply not authenticated (the message says why).
  std::string_view code = error.code;
  if (code == core::errc::kInvalidToken) code = core::errc::kUnauthenticated;
  Json body = {{"status", status}, {"error", code}, {"message", error.message}};
  http::Response r = http::Response::Json(status, body.dump());
  if (error.retry_after_seconds > 0)
    r.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  return r;
}

}  // namespace gh::api::nhost

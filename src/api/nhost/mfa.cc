// GET /mfa/totp/generate, POST /user/mfa, POST /signin/mfa/totp, and our
// extension POST /user/mfa/recovery-codes (see docs/api.md).
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"

namespace gh::api::nhost {
namespace {

core::Result<auth::TotpEnrolment> RunGenerate(const Deps& deps, const http::Request& request) {
  auto claims = Authenticate(deps, request);
  if (!claims) return claims.error();
  return deps.mfa.GenerateTotp(claims->user_id);
}

core::Result<std::vector<std::string>> RunChange(const Deps& deps, const http::Request& request) {
  auto claims = Authenticate(deps, request);
  if (!claims) return claims.error();
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"code", "activeMfaType"}); !r) return r.error();
  auto code = ReqString(*body, "code");
  if (!code) return code.error();
  auto type = OptString(*body, "activeMfaType");
  if (!type) return type.error();
  // The spec's enum is "totp" or ""; an absent type means "" (turn off), as in hasura-auth.
  std::string active = type->value_or("");
  if (active != "totp" && !active.empty())
    return core::Error(core::errc::kInvalidRequest, "\"activeMfaType\" must be \"totp\" or \"\"");
  return deps.mfa.ChangeMfa({claims->user_id, std::move(*code), std::move(active)});
}

core::Result<auth::SessionGrant> RunSignIn(const Deps& deps, const http::Request& request) {
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"ticket", "otp"}); !r) return r.error();
  auto ticket = ReqString(*body, "ticket");
  if (!ticket) return ticket.error();
  auto otp = ReqString(*body, "otp");
  if (!otp) return otp.error();
  return deps.mfa.SignInTotp({std::move(*ticket), std::move(*otp), ClientOf(request)});
}

core::Result<std::vector<std::string>> RunRecoveryCodes(const Deps& deps,
                                                        const http::Request& request) {
  auto claims = Authenticate(deps, request);
  if (!claims) return claims.error();
  auto body = ParseJsonObject(request.body, /*empty_ok=*/true);
  if (!body) return body.error();
  if (auto r = OnlyMembers(*body, {"code"}); !r) return r.error();
  auto code = OptString(*body, "code");
  if (!code) return code.error();
  return deps.mfa.RegenerateRecoveryCodes({claims->user_id, claims->aal, code->value_or("")});
}

}  // namespace

http::Handler GenerateTotp(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunGenerate(deps, request);
    respond(out ? Ok(Json{{"imageUrl", out->image_url}, {"totpSecret", out->secret}})
                : ErrorResponse(out.error()));
  };
}

http::Handler ChangeUserMfa(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    // The spec answers "OK" only: recovery codes are fetched with
    // POST /user/mfa/recovery-codes right after turning TOTP on.
    auto out = RunChange(deps, request);
    respond(out ? OkString() : ErrorResponse(out.error()));
  };
}

http::Handler SignInMfaTotp(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunSignIn(deps, request);
    respond(out ? Ok(Json{{"session", SessionJson(*out)}}) : ErrorResponse(out.error()));
  };
}

http::Handler RegenerateRecoveryCodes(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = RunRecoveryCodes(deps, request);
    respond(out ? Ok(Json{{"recoveryCodes", *out}}) : ErrorResponse(out.error()));
  };
}

}  // namespace gh::api::nhost

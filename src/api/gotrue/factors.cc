// Second factors as GoTrue serves them: POST /factors (enrol), POST
// /factors/{id}/challenge, POST /factors/{id}/verify (the step-up to aal2,
// answered with a new session) and DELETE /factors/{id} (unenrol), over
// MfaFlow's factors by id. The user's factors are listed by GET /user.
//
// GoTrue answers some of the flow's errors differently per route (a malformed
// factor id, a challenge that is not found, unenrolling at aal1, TOTP switched
// off at enrolment); those Problems are made here, the rest is the table's.
#include <optional>
#include <variant>

#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"
#include "crypto/qr_svg.h"

namespace gh::api::gotrue {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// An error of this route in GoTrue's words; `problem` wins over the table.
struct Failure {
  core::Error error;
  std::optional<Problem> problem;
};

Failure Fail(core::Error e) { return Failure{std::move(e), std::nullopt}; }
Failure Fail(Problem p) {
  return Failure{core::Error(core::errc::kInvalidRequest, p.message), std::move(p)};
}

template <typename T>
using Out = std::variant<T, Failure>;

void Answer(const http::Request& request, const http::Responder& respond, Out<Json> out) {
  if (auto* body = std::get_if<Json>(&out)) return respond(Ok(*body));
  Failure& f = std::get<Failure>(out);
  respond(f.problem ? Render(request, *f.problem) : ErrorResponse(request, f.error));
}

// The caller of a factor route: its user (live session) and token claims.
core::Result<auth::MfaCaller> CallerOf(const Deps& deps, const http::Request& request) {
  auth::AccessClaims claims;
  auto user = AuthenticatedUser(deps, request, &claims);
  if (!user) return user.error();
  return auth::MfaCaller{user->id, claims.session_id, claims.aal, ClientOf(request)};
}

// The {factorId} of the path, as GoTrue checks it before anything else: a
// UUID (404 validation_failed otherwise) naming one of the caller's factors
// (404 mfa_factor_not_found otherwise).
Out<core::MfaFactor> OwnFactor(const Deps& deps, const http::Request& request,
                               const auth::MfaCaller& caller) {
  const std::string_view raw = request.PathParam("factorId");
  if (!IsUuid(raw)) return Fail(Problem{404, "validation_failed", "factor_id must be an UUID"});
  const std::string id = Lower(raw);
  auto factors = deps.mfa.ListFactors(caller.user_id);
  if (!factors) return Fail(factors.error());
  for (core::MfaFactor& f : *factors)
    if (f.id == id) return std::move(f);
  return Fail(Problem{404, "mfa_factor_not_found", "Factor not found"});
}

// The body of a route whose fields are all optional: {} when empty.
core::Result<Json> OptionalBody(const http::Request& request) {
  return ParseJsonObject(request.body, /*empty_ok=*/true);
}

Out<Json> RunEnroll(const Deps& deps, const http::Request& request) {
  auto caller = CallerOf(deps, request);
  if (!caller) return Fail(caller.error());
  auto body = OptionalBody(request);
  if (!body) return Fail(body.error());
  auto type = OptString(*body, "factor_type");
  if (!type) return Fail(type.error());
  auto name = OptString(*body, "friendly_name");
  if (!name) return Fail(name.error());
  auto issuer = OptString(*body, "issuer");
  if (!issuer) return Fail(issuer.error());
  const std::string factor_type = type->value_or("");
  // Phone and WebAuthn factors: as a GoTrue instance with them switched off.
  if (factor_type == "phone")
    return Fail(Problem{422, "mfa_phone_enroll_not_enabled", "MFA enroll is disabled for Phone"});
  if (factor_type == "webauthn")
    return Fail(
        Problem{422, "mfa_webauthn_enroll_not_enabled", "MFA enroll is disabled for WebAuthn"});
  if (factor_type != "totp")
    return Fail(
        Problem{400, "validation_failed", "factor_type needs to be totp, phone, or webauthn"});

  auth::EnrollTotpRequest req{std::move(*caller), name->value_or(""), issuer->value_or("")};
  auto enrolled = deps.mfa.EnrollTotp(req);
  if (!enrolled) {
    if (enrolled.error().Is(core::errc::kDisabledMfaTotp))
      return Fail(Problem{422, "mfa_totp_enroll_not_enabled", "MFA enroll is disabled for TOTP"});
    if (enrolled.error().Is(core::errc::kInsufficientAal))
      return Fail(Problem{403, "insufficient_aal", "AAL2 required to enroll a new factor"});
    return Fail(enrolled.error());
  }
  std::string svg = crypto::QrSvg(enrolled->totp.uri);
  if (svg.empty()) return Fail(core::Error(core::errc::kInternal, "Error generating QR Code"));
  return Json{{"id", enrolled->factor.id},
              {"type", enrolled->factor.type},
              {"friendly_name", enrolled->factor.friendly_name},
              {"totp",
               {{"qr_code", std::move(svg)},
                {"secret", enrolled->totp.secret},
                {"uri", enrolled->totp.uri}}}};
}

Out<Json> RunChallenge(const Deps& deps, const http::Request& request) {
  auto caller = CallerOf(deps, request);
  if (!caller) return Fail(caller.error());
  Out<core::MfaFactor> factor = OwnFactor(deps, request, *caller);
  if (auto* f = std::get_if<Failure>(&factor)) return std::move(*f);
  // supabase-js sends its parameters ({factorId, channel}); none matter for TOTP.
  if (auto body = OptionalBody(request); !body) return Fail(body.error());
  auth::ChallengeRequest req{std::move(*caller), std::get<core::MfaFactor>(factor).id};
  auto challenge = deps.mfa.Challenge(req);
  if (!challenge) return Fail(challenge.error());
  return Json{{"id", challenge->id},
              {"type", challenge->factor_type},
              {"expires_at", challenge->expires_at / 1000}};
}

Out<Json> RunVerify(const Deps& deps, const http::Request& request) {
  auto caller = CallerOf(deps, request);
  if (!caller) return Fail(caller.error());
  Out<core::MfaFactor> factor = OwnFactor(deps, request, *caller);
  if (auto* f = std::get_if<Failure>(&factor)) return std::move(*f);
  auto body = OptionalBody(request);
  if (!body) return Fail(body.error());
  auto challenge_id = OptString(*body, "challenge_id");
  if (!challenge_id) return Fail(challenge_id.error());
  auto code = OptString(*body, "code");
  if (!code) return Fail(code.error());
  const std::string cid = challenge_id->value_or("");
  // GoTrue reads challenge_id as a UUID: anything else is a body it cannot parse.
  if (!cid.empty() && !IsUuid(cid))
    return Fail(Problem{400, "bad_json", "Could not parse request body as JSON: invalid UUID"});
  if (code->value_or("").empty())
    return Fail(Problem{400, "validation_failed", "Code needs to be non-empty"});

  auth::VerifyRequest req{std::move(*caller), std::get<core::MfaFactor>(factor).id, Lower(cid),
                          std::move(**code)};
  auto up = deps.mfa.Verify(req);
  if (!up) {
    // The factor is the caller's (OwnFactor): what is not found is the challenge
    // (unknown, used, of another factor or session).
    if (up.error().Is(core::errc::kMfaFactorNotFound))
      return Fail(Problem{422, "mfa_factor_not_found",
                          "MFA factor with the provided challenge ID not found"});
    return Fail(up.error());
  }
  auto profile = deps.accounts.Describe(up->session.user);
  if (!profile) return Fail(profile.error());
  return SessionJson(up->session, *profile, deps.config.jwt_audience);
}

Out<Json> RunUnenroll(const Deps& deps, const http::Request& request) {
  auto caller = CallerOf(deps, request);
  if (!caller) return Fail(caller.error());
  Out<core::MfaFactor> factor = OwnFactor(deps, request, *caller);
  if (auto* f = std::get_if<Failure>(&factor)) return std::move(*f);
  auth::UnenrollRequest req{std::move(*caller), std::get<core::MfaFactor>(factor).id};
  auto id = deps.mfa.Unenroll(req);
  if (!id) {
    // GoTrue words (and numbers) this one differently from enrolment's.
    if (id.error().Is(core::errc::kInsufficientAal))
      return Fail(Problem{422, "insufficient_aal", "AAL2 required to unenroll verified factor"});
    if (id.error().Is(core::errc::kMfaFactorNotFound))
      return Fail(Problem{404, "mfa_factor_not_found", "Factor not found"});
    return Fail(id.error());
  }
  return Json{{"id", *id}};
}

}  // namespace

http::Handler EnrollFactor(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    Answer(request, respond, RunEnroll(deps, request));
  };
}

http::Handler ChallengeFactor(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    Answer(request, respond, RunChallenge(deps, request));
  };
}

http::Handler VerifyFactor(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    Answer(request, respond, RunVerify(deps, request));
  };
}

http::Handler UnenrollFactor(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    Answer(request, respond, RunUnenroll(deps, request));
  };
}

}  // namespace gh::api::gotrue

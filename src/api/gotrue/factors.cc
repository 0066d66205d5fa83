// Second factors as GoTrue serves them: POST /factors (enrol), POST
// /factors/{id}/challenge, POST /factors/{id}/verify (the step-up to aal2,
// answered with a new session) and DELETE /factors/{id} (unenrol), over
// MfaFlow's factors by id. The user's factors are listed by GET /user.
//
// WebAuthn factors (factor_type webauthn) are passkeys (auth/mfa.h): enrolment
// answers a pending factor, its challenge carries the options of a
// registration (`create`) or, once verified, an assertion (`request`) under
// webauthn.credential_options.publicKey, and verify takes the browser's
// credential as webauthn.credential_response. The rpId / rpOrigins clients
// send must be this server's (webauthn_rp_id / webauthn_rp_origins).
//
// GoTrue answers some of the flow's errors differently per route (a malformed
// factor id, a challenge that is not found, unenrolling at aal1, a factor type
// switched off); those Problems are made here, the rest is the table's.
#include <optional>
#include <variant>

#include "api/common/request_lanes.h"
#include "api/common/webauthn_json.h"
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

Problem Invalid(std::string message) {
  return Problem{400, "validation_failed", std::move(message)};
}

// The relying party a client names in `webauthn` ({rpId, rpOrigins}), checked
// against ours; absent members are not checked.
std::optional<Failure> CheckRelyingParty(const Deps& deps, const Json& webauthn) {
  auto rp_id = OptString(webauthn, "rpId");
  if (!rp_id) return Fail(Invalid(rp_id.error().message));
  auto origins = OptStringArray(webauthn, "rpOrigins");
  if (!origins) return Fail(Invalid(origins.error().message));
  auto ok = deps.mfa.CheckWebauthnRelyingParty(*rp_id, *origins);
  if (!ok) return Fail(Invalid(ok.error().message));
  return std::nullopt;
}

// The `webauthn` member of a body: an object, or absent (null when `required`
// is off).
Out<const Json*> WebauthnMember(const Json& body, bool required) {
  auto it = body.find("webauthn");
  if (it == body.end() || it->is_null()) {
    if (required) return Fail(Invalid("WebAuthn config required"));
    return static_cast<const Json*>(nullptr);
  }
  if (!it->is_object()) return Fail(Invalid("webauthn must be an object"));
  return &*it;
}

Failure WebauthnDisabled(const core::Error& e, bool enrolling) {
  if (!e.Is(core::errc::kDisabledEndpoint)) return Fail(e);
  if (enrolling)
    return Fail(
        Problem{422, "mfa_webauthn_enroll_not_enabled", "MFA enroll is disabled for WebAuthn"});
  return Fail(
      Problem{422, "mfa_webauthn_verify_not_enabled", "MFA verification is disabled for WebAuthn"});
}

Out<Json> EnrollWebauthn(const Deps& deps, auth::MfaCaller caller, std::string friendly_name) {
  auth::EnrollWebauthnRequest req{std::move(caller), std::move(friendly_name)};
  auto factor = deps.mfa.EnrollWebauthn(req);
  if (!factor) {
    if (factor.error().Is(core::errc::kInsufficientAal))
      return Fail(Problem{403, "insufficient_aal", "AAL2 required to enroll a new factor"});
    return WebauthnDisabled(factor.error(), /*enrolling=*/true);
  }
  return Json{{"id", factor->id}, {"type", factor->type}, {"friendly_name", factor->friendly_name}};
}

Out<Json> ChallengeWebauthn(const Deps& deps, auth::MfaCaller caller, const core::MfaFactor& factor,
                            const Json& body) {
  Out<const Json*> webauthn = WebauthnMember(body, /*required=*/false);
  if (auto* f = std::get_if<Failure>(&webauthn)) return std::move(*f);
  if (const Json* w = std::get<const Json*>(webauthn))
    if (auto bad = CheckRelyingParty(deps, *w)) return std::move(*bad);
  auth::ChallengeRequest req{std::move(caller), factor.id};
  auto challenge = deps.mfa.ChallengeWebauthn(req);
  if (!challenge) return WebauthnDisabled(challenge.error(), /*enrolling=*/false);
  Json options = challenge->create ? CreationOptionsJson(*challenge->create)
                                   : RequestOptionsJson(*challenge->request);
  return Json{{"id", challenge->challenge.id},
              {"type", "webauthn"},
              {"expires_at", challenge->challenge.expires_at / 1000},
              {"webauthn",
               {{"type", challenge->create ? "create" : "request"},
                {"credential_options", {{"publicKey", std::move(options)}}}}}};
}

Out<Json> VerifyWebauthn(const Deps& deps, auth::MfaCaller caller, const core::MfaFactor& factor,
                         std::string challenge_id, const Json& body) {
  Out<const Json*> member = WebauthnMember(body, /*required=*/true);
  if (auto* f = std::get_if<Failure>(&member)) return std::move(*f);
  const Json& webauthn = *std::get<const Json*>(member);
  if (auto bad = CheckRelyingParty(deps, webauthn)) return std::move(*bad);
  auto type = OptString(webauthn, "type");
  if (!type) return Fail(Invalid(type.error().message));
  const std::string expected = factor.verified() ? "request" : "create";
  if (type->value_or(expected) != expected)
    return Fail(Invalid(factor.verified()
                            ? "A verified WebAuthn factor needs a request response"
                            : "An unverified WebAuthn factor needs a create response"));
  auto response = webauthn.find("credential_response");
  if (response == webauthn.end() || !response->is_object())
    return Fail(Invalid("webauthn.credential_response must be an object"));

  auth::VerifyWebauthnRequest req{std::move(caller), factor.id, std::move(challenge_id), {}, {}};
  if (factor.verified()) {
    auto assertion = ParseAssertionJson(*response);
    if (!assertion) return Fail(Invalid(assertion.error().message));
    req.asserted = std::move(*assertion);
  } else {
    auto attestation = ParseAttestationJson(*response);
    if (!attestation) return Fail(Invalid(attestation.error().message));
    req.created = std::move(*attestation);
  }
  auto up = deps.mfa.VerifyWebauthn(req);
  if (!up) {
    if (up.error().Is(core::errc::kMfaFactorNotFound))
      return Fail(Problem{422, "mfa_factor_not_found",
                          "MFA factor with the provided challenge ID not found"});
    if (up.error().Is(core::errc::kInvalidRequest)) return Fail(Invalid(up.error().message));
    return WebauthnDisabled(up.error(), /*enrolling=*/false);
  }
  auto profile = deps.accounts.Describe(up->session.user);
  if (!profile) return Fail(profile.error());
  return SessionJson(up->session, *profile, deps.config.jwt_audience);
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
    return EnrollWebauthn(deps, std::move(*caller), name->value_or(""));
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
  auto body = OptionalBody(request);
  if (!body) return Fail(body.error());
  if (std::get<core::MfaFactor>(factor).type == "webauthn")
    return ChallengeWebauthn(deps, std::move(*caller), std::get<core::MfaFactor>(factor), *body);
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
  if (std::get<core::MfaFactor>(factor).type == "webauthn")
    return VerifyWebauthn(deps, std::move(*caller), std::get<core::MfaFactor>(factor), Lower(cid),
                          *body);
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

// Passkeys: POST /signup/webauthn(/verify), /signin/webauthn(/verify),
// /user/webauthn/add, /user/webauthn/verify, /elevate/webauthn(/verify), and
// our extensions GET /user/webauthn and DELETE /user/webauthn/{id}. Options
// go out as the JSON forms of PublicKeyCredentialCreationOptions and
// RequestOptions (binary members base64url), credentials come back as the
// browser's PublicKeyCredential.toJSON().
#include "api/common/webauthn_json.h"
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"
#include "auth/passkeys.h"
#include "core/text.h"

namespace gh::api::nhost {
namespace {

Json CreationJson(const auth::CreationOptions& o) { return CreationOptionsJson(o); }
Json RequestJson(const auth::RequestOptions& o) { return RequestOptionsJson(o); }

Json PasskeyJson(const core::WebauthnCredential& c) {
  Json j{{"id", c.id},
         {"nickname", c.nickname},
         {"credentialId", c.credential_id},
         {"createdAt", core::FormatRfc3339(c.created_at)},
         {"backedUp", c.backed_up}};
  if (c.last_used_at) j["lastUsedAt"] = core::FormatRfc3339(*c.last_used_at);
  return j;
}

const Json* CredentialMember(const Json& body) {
  auto it = body.find("credential");
  return it == body.end() || !it->is_object() ? nullptr : &*it;
}

core::Result<auth::AttestationResponse> ParseAttestation(const Json& body) {
  const Json* c = CredentialMember(body);
  if (c == nullptr)
    return core::Error(core::errc::kInvalidRequest, "\"credential\" must be an object");
  return ParseAttestationJson(*c);
}

core::Result<auth::AssertionResponse> ParseAssertion(const Json& body) {
  const Json* c = CredentialMember(body);
  if (c == nullptr)
    return core::Error(core::errc::kInvalidRequest, "\"credential\" must be an object");
  return ParseAssertionJson(*c);
}

std::string Nickname(const Json& body) {
  auto it = body.find("nickname");
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Runs `fn` and answers its JSON, or the error.
template <typename Fn>
http::Handler Answer(Fn fn) {
  return [fn](http::Request& request, http::Responder respond) {
    core::Result<Json> out = fn(request);
    respond(out ? Ok(*out) : ErrorResponse(out.error()));
  };
}

core::Result<Json> BodyOf(const http::Request& request, bool empty_ok = false) {
  return ParseJsonObject(request.body, empty_ok);
}

}  // namespace

http::Handler SignUpWebauthn(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto body = BodyOf(request);
    if (!body) return body.error();
    if (auto r = OnlyMembers(*body, {"email", "options"}); !r) return r.error();
    auto email = ReqString(*body, "email");
    if (!email) return email.error();
    auto options = ParseSignUpOptions(*body);
    if (!options) return options.error();
    auto out = deps.passkeys->StartSignUp({std::move(*email), std::move(*options)});
    if (!out) return out.error();
    return CreationJson(*out);
  });
}

http::Handler VerifySignUpWebauthn(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto body = BodyOf(request);
    if (!body) return body.error();
    if (auto r = OnlyMembers(*body, {"credential", "options", "nickname"}); !r) return r.error();
    auth::PasskeySignUpFinish req;
    auto credential = ParseAttestation(*body);
    if (!credential) return credential.error();
    req.credential = std::move(*credential);
    if (body->contains("options") && !(*body)["options"].is_null()) {
      auto options = ParseSignUpOptions(*body);
      if (!options) return options.error();
      req.options = std::move(*options);
    }
    req.nickname = Nickname(*body);
    req.client = ClientOf(request);
    req.links = &deps.links;
    auto out = deps.passkeys->FinishSignUp(req);
    if (!out) return out.error();
    return SignInJson(*out);
  });
}

http::Handler SignInWebauthn(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto body = BodyOf(request, /*empty_ok=*/true);
    if (!body) return body.error();
    if (auto r = OnlyMembers(*body, {"email"}); !r) return r.error();
    auto email = OptString(*body, "email");
    if (!email) return email.error();
    auto out = deps.passkeys->StartSignIn(*email);
    if (!out) return out.error();
    return RequestJson(*out);
  });
}

http::Handler VerifySignInWebauthn(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto body = BodyOf(request);
    if (!body) return body.error();
    // "email" is deprecated in the spec and not used: the credential names its user.
    if (auto r = OnlyMembers(*body, {"credential", "email"}); !r) return r.error();
    auto assertion = ParseAssertion(*body);
    if (!assertion) return assertion.error();
    auto out = deps.passkeys->FinishSignIn(*assertion, ClientOf(request));
    if (!out) return out.error();
    return SignInJson(*out);
  });
}

http::Handler AddSecurityKey(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto claims = Authenticate(deps, request);
    if (!claims) return claims.error();
    auto out = deps.passkeys->StartAdd(claims->user_id);
    if (!out) return out.error();
    return CreationJson(*out);
  });
}

http::Handler VerifyAddSecurityKey(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto claims = Authenticate(deps, request);
    if (!claims) return claims.error();
    auto body = BodyOf(request);
    if (!body) return body.error();
    if (auto r = OnlyMembers(*body, {"credential", "nickname"}); !r) return r.error();
    auto credential = ParseAttestation(*body);
    if (!credential) return credential.error();
    auto out = deps.passkeys->FinishAdd(claims->user_id, *credential, Nickname(*body));
    if (!out) return out.error();
    Json j{{"id", out->id}};
    if (!out->nickname.empty()) j["nickname"] = out->nickname;
    return j;
  });
}

http::Handler ElevateWebauthn(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto claims = Authenticate(deps, request);
    if (!claims) return claims.error();
    auto out = deps.passkeys->StartElevate(claims->user_id);
    if (!out) return out.error();
    return RequestJson(*out);
  });
}

http::Handler VerifyElevateWebauthn(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto claims = Authenticate(deps, request);
    if (!claims) return claims.error();
    auto body = BodyOf(request);
    if (!body) return body.error();
    if (auto r = OnlyMembers(*body, {"credential", "email"}); !r) return r.error();
    auto assertion = ParseAssertion(*body);
    if (!assertion) return assertion.error();
    auto out = deps.passkeys->FinishElevate(claims->user_id, *assertion, ClientOf(request));
    if (!out) return out.error();
    return Json{{"session", SessionJson(*out)}};
  });
}

http::Handler ListSecurityKeys(const Deps& deps) {
  return Answer([&deps](const http::Request& request) -> core::Result<Json> {
    auto claims = Authenticate(deps, request);
    if (!claims) return claims.error();
    auto list = deps.passkeys->List(claims->user_id);
    if (!list) return list.error();
    Json keys = Json::array();
    for (const core::WebauthnCredential& c : *list) keys.push_back(PasskeyJson(c));
    return Json{{"securityKeys", std::move(keys)}};
  });
}

http::Handler RemoveSecurityKey(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto claims = Authenticate(deps, request);
    if (!claims) return respond(ErrorResponse(claims.error()));
    auto out = deps.passkeys->Remove(claims->user_id, std::string(request.PathParam("id")));
    respond(out ? OkString() : ErrorResponse(out.error()));
  };
}

}  // namespace gh::api::nhost

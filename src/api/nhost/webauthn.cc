// Passkeys: POST /signup/webauthn(/verify), /signin/webauthn(/verify),
// /user/webauthn/add, /user/webauthn/verify, /elevate/webauthn(/verify), and
// our extensions GET /user/webauthn and DELETE /user/webauthn/{id}. Options
// go out as the JSON forms of PublicKeyCredentialCreationOptions and
// RequestOptions (binary members base64url), credentials come back as the
// browser's PublicKeyCredential.toJSON().
#include "crypto/webauthn.h"
#include "api/nhost/endpoints.h"
#include "api/nhost/render.h"
#include "auth/passkeys.h"
#include "core/text.h"
#include "crypto/hash.h"

namespace gh::api::nhost {
namespace {

constexpr std::string_view kTransports[] = {"usb",        "nfc",    "ble",
                                            "smart-card", "hybrid", "internal"};

core::Error Bad(std::string message) {
  return core::Error(core::errc::kInvalidRequest, std::move(message));
}

Json Descriptors(const std::vector<core::WebauthnCredential>& list) {
  Json out = Json::array();
  for (const core::WebauthnCredential& c : list) {
    Json d{{"type", "public-key"}, {"id", c.credential_id}};
    Json transports = Json::array();
    for (std::string_view rest = c.transports; !rest.empty();) {
      const size_t comma = rest.find(',');
      const std::string_view t = rest.substr(0, comma);
      for (std::string_view known : kTransports)
        if (t == known) transports.push_back(std::string(t));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (!transports.empty()) d["transports"] = std::move(transports);
    out.push_back(std::move(d));
  }
  return out;
}

Json CreationJson(const auth::CreationOptions& o) {
  Json params = Json::array();
  for (int64_t alg : crypto::webauthn::kAlgorithms)
    params.push_back({{"type", "public-key"}, {"alg", alg}});
  return {
      {"rp", {{"name", o.rp_name}, {"id", o.rp_id}}},
      {"user",
       {{"name", o.user_name},
        {"displayName", o.user_display_name},
        {"id", crypto::Base64UrlEncode(o.user_handle)}}},
      {"challenge", crypto::Base64UrlEncode(o.challenge)},
      {"pubKeyCredParams", std::move(params)},
      {"timeout", o.timeout_ms},
      {"excludeCredentials", Descriptors(o.exclude)},
      // Resident keys: the passkey can sign in without an email being typed.
      {"authenticatorSelection",
       {{"residentKey", "required"},
        {"requireResidentKey", true},
        {"userVerification", o.user_verification}}},
      {"attestation", "none"},
  };
}

Json RequestJson(const auth::RequestOptions& o) {
  return {{"challenge", crypto::Base64UrlEncode(o.challenge)},
          {"timeout", o.timeout_ms},
          {"rpId", o.rp_id},
          {"allowCredentials", Descriptors(o.allow)},
          {"userVerification", o.user_verification}};
}

Json PasskeyJson(const core::WebauthnCredential& c) {
  Json j{{"id", c.id},
         {"nickname", c.nickname},
         {"credentialId", c.credential_id},
         {"createdAt", core::FormatRfc3339(c.created_at)},
         {"backedUp", c.backed_up}};
  if (c.last_used_at) j["lastUsedAt"] = core::FormatRfc3339(*c.last_used_at);
  return j;
}

core::Result<std::string> B64(const Json& obj, const char* name) {
  auto text = ReqString(obj, name);
  if (!text) return text.error();
  std::string raw;
  if (!crypto::Base64UrlDecode(*text, &raw) || raw.empty())
    return Bad(std::string("\"") + name + "\" must be base64url");
  return raw;
}

// The members both credential kinds share; `response` is checked by the caller.
core::Result<const Json*> CredentialOf(const Json& body,
                                       std::initializer_list<std::string_view> response_members,
                                       std::string* raw_id) {
  auto it = body.find("credential");
  if (it == body.end() || !it->is_object()) return Bad("\"credential\" must be an object");
  const Json& c = *it;
  if (auto r = OnlyMembers(c, {"id", "type", "rawId", "clientExtensionResults",
                               "authenticatorAttachment", "response"});
      !r)
    return r.error();
  auto type = ReqString(c, "type");
  if (!type) return type.error();
  if (*type != "public-key") return Bad("\"credential.type\" must be \"public-key\"");
  auto id = ReqString(c, "id");
  if (!id) return id.error();
  auto raw = B64(c, "rawId");
  if (!raw) return raw.error();
  if (*id != crypto::Base64UrlEncode(*raw)) return Bad("\"credential.id\" is not its rawId");
  *raw_id = std::move(*raw);
  auto resp = c.find("response");
  if (resp == c.end() || !resp->is_object()) return Bad("\"credential.response\" is missing");
  if (auto r = OnlyMembers(*resp, response_members); !r) return r.error();
  return &*resp;
}

core::Result<auth::AttestationResponse> ParseAttestation(const Json& body) {
  auth::AttestationResponse a;
  auto resp = CredentialOf(body,
                           {"clientDataJSON", "attestationObject", "transports",
                            "authenticatorData", "publicKey", "publicKeyAlgorithm"},
                           &a.raw_id);
  if (!resp) return resp.error();
  auto cd = B64(**resp, "clientDataJSON");
  if (!cd) return cd.error();
  auto att = B64(**resp, "attestationObject");
  if (!att) return att.error();
  auto transports = OptStringArray(**resp, "transports");
  if (!transports) return transports.error();
  a.client_data_json = std::move(*cd);
  a.attestation_object = std::move(*att);
  a.transports = transports->value_or(std::vector<std::string>{});
  return a;
}

core::Result<auth::AssertionResponse> ParseAssertion(const Json& body) {
  auth::AssertionResponse a;
  auto resp = CredentialOf(body, {"clientDataJSON", "authenticatorData", "signature", "userHandle"},
                           &a.raw_id);
  if (!resp) return resp.error();
  auto cd = B64(**resp, "clientDataJSON");
  if (!cd) return cd.error();
  auto ad = B64(**resp, "authenticatorData");
  if (!ad) return ad.error();
  auto sig = B64(**resp, "signature");
  if (!sig) return sig.error();
  a.client_data_json = std::move(*cd);
  a.authenticator_data = std::move(*ad);
  a.signature = std::move(*sig);
  auto handle = (*resp)->find("userHandle");
  if (handle != (*resp)->end() && !handle->is_null()) {
    std::string raw;
    if (!handle->is_string() || !crypto::Base64UrlDecode(handle->get<std::string>(), &raw))
      return Bad("\"userHandle\" must be base64url");
    a.user_handle = std::move(raw);
  }
  return a;
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

#include "api/common/webauthn_json.h"

#include "crypto/hash.h"
#include "crypto/webauthn.h"

namespace gh::api {
namespace {

constexpr std::string_view kTransports[] = {"usb",        "nfc",    "ble",
                                            "smart-card", "hybrid", "internal"};

core::Error Bad(std::string message) {
  return core::Error(core::errc::kInvalidRequest, std::move(message));
}

core::Result<void> OnlyMembers(const Json& obj, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, _] : obj.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) return Bad("Unknown member \"" + key + "\"");
  }
  return core::Ok();
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

core::Result<std::string> B64(const Json& obj, const char* name) {
  auto text = ReqString(obj, name);
  if (!text) return text.error();
  std::string raw;
  if (!crypto::Base64UrlDecode(*text, &raw) || raw.empty())
    return Bad(std::string("\"") + name + "\" must be base64url");
  return raw;
}

// The members both credential kinds share; `response` is checked by the caller.
core::Result<const Json*> ResponseOf(const Json& c,
                                     std::initializer_list<std::string_view> response_members,
                                     std::string* raw_id) {
  if (!c.is_object()) return Bad("The credential must be an object");
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

}  // namespace

Json CreationOptionsJson(const auth::CreationOptions& o) {
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

Json RequestOptionsJson(const auth::RequestOptions& o) {
  return {{"challenge", crypto::Base64UrlEncode(o.challenge)},
          {"timeout", o.timeout_ms},
          {"rpId", o.rp_id},
          {"allowCredentials", Descriptors(o.allow)},
          {"userVerification", o.user_verification}};
}

core::Result<auth::AttestationResponse> ParseAttestationJson(const Json& credential) {
  auth::AttestationResponse a;
  auto resp = ResponseOf(credential,
                         {"clientDataJSON", "attestationObject", "transports", "authenticatorData",
                          "publicKey", "publicKeyAlgorithm"},
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

core::Result<auth::AssertionResponse> ParseAssertionJson(const Json& credential) {
  auth::AssertionResponse a;
  auto resp = ResponseOf(
      credential, {"clientDataJSON", "authenticatorData", "signature", "userHandle"}, &a.raw_id);
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

}  // namespace gh::api

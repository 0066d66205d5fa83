// The WebAuthn ceremonies over the parsers (see webauthn.h).

#include "crypto/webauthn.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/json_scan.h"
#include "crypto/webauthn_cbor.h"

namespace gh::crypto::webauthn {

namespace {

using detail::Fail;

// The checks both ceremonies make of the client data.
core::Result<void> CheckClientData(const ClientData& cd, std::string_view type,
                                   const Expectations& expect) {
  if (cd.type != type) return Fail("client data type is not " + std::string(type));
  if (expect.challenge.empty() || !ConstantTimeEquals(cd.challenge, expect.challenge))
    return Fail("client data challenge differs");
  if (std::find(expect.origins.begin(), expect.origins.end(), cd.origin) == expect.origins.end())
    return Fail("origin not allowed");
  // A credential used from inside another site's frame is not this site's sign-in.
  if (cd.cross_origin) return Fail("cross-origin ceremony");
  return core::Ok();
}

core::Result<void> CheckAuthData(const AuthenticatorData& ad, const Expectations& expect) {
  if (!ConstantTimeEquals(ad.rp_id_hash, Sha256(expect.rp_id))) return Fail("RP id hash differs");
  if (!ad.up()) return Fail("user not present");
  if (expect.require_user_verification && !ad.uv()) return Fail("user not verified");
  return core::Ok();
}

}  // namespace

core::Result<ClientData> ParseClientData(std::string_view json) {
  if (json.empty() || json.size() > kMaxClientDataBytes) return Fail("client data size");
  JsonScan scan;
  if (!scan.Parse(json)) return Fail("client data is not a JSON object");
  ClientData out;
  std::string challenge;
  if (!scan.GetString("type", &out.type) || !scan.GetString("challenge", &challenge) ||
      !scan.GetString("origin", &out.origin))
    return Fail("client data without type, challenge or origin");
  if (challenge.find('=') != std::string::npos || !Base64UrlDecode(challenge, &out.challenge))
    return Fail("client data challenge is not base64url");
  JsonScan::Type t;
  if (scan.GetType("crossOrigin", &t)) {
    if (t != JsonScan::Type::kTrue && t != JsonScan::Type::kFalse)
      return Fail("client data crossOrigin is not a boolean");
    out.cross_origin = t == JsonScan::Type::kTrue;
  }
  return out;
}

core::Result<Registration> VerifyRegistration(std::string_view client_data_json,
                                              std::string_view attestation_object,
                                              const Expectations& expect) {
  auto cd = ParseClientData(client_data_json);
  if (!cd) return cd.error();
  auto checked = CheckClientData(*cd, "webauthn.create", expect);
  if (!checked) return checked.error();
  auto att = ParseAndVerifyAttestation(attestation_object, Sha256(client_data_json));
  if (!att) return att.error();
  const AuthenticatorData& ad = att->auth_data;
  auto auth_ok = CheckAuthData(ad, expect);
  if (!auth_ok) return auth_ok.error();
  Registration out;
  out.credential_id = ad.credential->credential_id;
  out.cose_key = ad.credential->cose_key;
  out.alg = ad.credential->alg;
  out.aaguid = ad.credential->aaguid;
  out.sign_count = ad.sign_count;
  out.fmt = att->fmt;
  out.user_verified = ad.uv();
  out.backup_eligible = ad.backup_eligible();
  out.backed_up = ad.backed_up();
  return out;
}

core::Result<Assertion> VerifyAssertion(std::string_view client_data_json,
                                        std::string_view authenticator_data,
                                        std::string_view signature, std::string_view cose_key,
                                        uint32_t stored_sign_count, const Expectations& expect) {
  auto cd = ParseClientData(client_data_json);
  if (!cd) return cd.error();
  auto checked = CheckClientData(*cd, "webauthn.get", expect);
  if (!checked) return checked.error();
  auto ad = ParseAuthenticatorData(authenticator_data);
  if (!ad) return ad.error();
  auto auth_ok = CheckAuthData(*ad, expect);
  if (!auth_ok) return auth_ok.error();
  std::string signed_data(authenticator_data);
  signed_data.append(Sha256(client_data_json));
  if (!VerifyCoseSignature(cose_key, signed_data, signature))
    return Fail("assertion signature does not verify");
  if (!SignCountAdvances(stored_sign_count, ad->sign_count))
    return Fail("sign count did not advance: cloned authenticator?");
  Assertion out;
  out.sign_count = ad->sign_count;
  out.user_verified = ad->uv();
  out.backed_up = ad->backed_up();
  return out;
}

bool SignCountAdvances(uint32_t stored, uint32_t received) {
  if (stored == 0 && received == 0) return true;
  return received > stored;
}

}  // namespace gh::crypto::webauthn

// WebAuthn (Level 2/3) verification without HTTP: the bytes a browser hands
// back from navigator.credentials.create() and .get(), checked against what
// the relying party expects. CBOR is read with libcbor, signatures and
// certificates checked with OpenSSL.
//
//  - client data (type, challenge, origin; cross-origin calls refused),
//  - authenticator data (RP id hash, flags UP/UV/BE/BS/AT/ED, sign count,
//    attested credential data),
//  - COSE public keys ES256 (P-256), RS256 (RSA >= 2048 bits) and EdDSA
//    (Ed25519),
//  - attestation statements `none` and `packed` (self attestation and x5c;
//    the x5c chain is checked for form, not against trust anchors: Gatehouse
//    asks for no attestation and keeps no metadata service),
//  - the sign-count rule: a counter that does not move forward on an
//    authenticator that counts is a cloned authenticator.
//
// Every function is pure and thread-safe. Errors are
// Error{invalid-webauthn} with a short reason in the message (never key
// material); the reasons are for logs and tests, the dialects show one text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gh::crypto::webauthn {

// COSE algorithm identifiers (RFC 9053 / RFC 8812) we accept, in the order
// offered to browsers.
inline constexpr int64_t kES256 = -7;
inline constexpr int64_t kEdDSA = -8;
inline constexpr int64_t kRS256 = -257;
inline constexpr int64_t kAlgorithms[] = {kES256, kEdDSA, kRS256};

// Inputs above these sizes are refused before parsing.
inline constexpr size_t kMaxClientDataBytes = 4096;
inline constexpr size_t kMaxAttestationBytes = 16 * 1024;
inline constexpr size_t kMaxCredentialIdBytes = 1023;  // WebAuthn Level 3

// Authenticator data flags.
inline constexpr uint8_t kFlagUp = 0x01;
inline constexpr uint8_t kFlagUv = 0x04;
inline constexpr uint8_t kFlagBe = 0x08;
inline constexpr uint8_t kFlagBs = 0x10;
inline constexpr uint8_t kFlagAt = 0x40;
inline constexpr uint8_t kFlagEd = 0x80;

struct AttestedCredential {
  std::string aaguid;         // 16 raw bytes
  std::string credential_id;  // raw bytes, 1..kMaxCredentialIdBytes
  std::string cose_key;       // the COSE_Key exactly as encoded
  int64_t alg = 0;            // its alg, one of kAlgorithms
};

struct AuthenticatorData {
  std::string rp_id_hash;  // 32 bytes
  uint8_t flags = 0;
  uint32_t sign_count = 0;
  std::optional<AttestedCredential> credential;  // present iff flag AT
  bool up() const { return flags & kFlagUp; }
  bool uv() const { return flags & kFlagUv; }
  bool backup_eligible() const { return flags & kFlagBe; }
  bool backed_up() const { return flags & kFlagBs; }
};

// Parses authenticator data: 37 fixed bytes, then (flag AT) the attested
// credential data with a COSE key that must load, then (flag ED) one CBOR
// map of extensions, and nothing after. Refuses BS without BE.
core::Result<AuthenticatorData> ParseAuthenticatorData(std::string_view bytes);

// Parses a COSE_Key and checks that kty, alg and crv fit one of kAlgorithms
// and that OpenSSL accepts the key (EC point on the curve, RSA >= 2048 bits).
// Returns the alg. `consumed`, when given, gets the number of bytes the key
// took (the rest of `bytes` may follow it); without it nothing may follow.
core::Result<int64_t> CheckCoseKey(std::string_view bytes, size_t* consumed = nullptr);

// True when `signature` is a valid signature of `data` by the COSE key (ES256:
// DER, as authenticators sign; RS256: PKCS#1 v1.5 with SHA-256; EdDSA: raw).
bool VerifyCoseSignature(std::string_view cose_key, std::string_view data,
                         std::string_view signature);

struct AttestationObject {
  std::string fmt;              // "none" or "packed" once verified
  std::string auth_data_bytes;  // authData as sent (what the statement signs)
  AuthenticatorData auth_data;  // parsed, with its credential
};

// Parses an attestation object (CBOR map of fmt, attStmt, authData) and
// verifies its statement over authData || client_data_hash: `none` (an empty
// statement), `packed` self attestation (alg equals the credential's, signed
// by the credential key) or `packed` with x5c (signed by the first
// certificate's key; that certificate is version 3, not a CA, has the OU
// "Authenticator Attestation", and its AAGUID extension, when present, names
// the authData's AAGUID). Any other format is refused.
core::Result<AttestationObject> ParseAndVerifyAttestation(std::string_view cbor,
                                                          std::string_view client_data_hash);

struct ClientData {
  std::string type;       // "webauthn.create" or "webauthn.get"
  std::string challenge;  // raw bytes (decoded from base64url)
  std::string origin;
  bool cross_origin = false;
};

// Parses clientDataJSON (strict JSON, one object, type/challenge/origin
// strings).
core::Result<ClientData> ParseClientData(std::string_view json);

// What the relying party expects of one ceremony.
struct Expectations {
  std::string challenge;             // raw bytes of the challenge it handed out
  std::string rp_id;                 // e.g. "example.com"
  std::vector<std::string> origins;  // exact origins allowed, e.g. "https://example.com"
  bool require_user_verification = false;
};

struct Registration {
  std::string credential_id;  // raw
  std::string cose_key;
  int64_t alg = 0;
  uint32_t sign_count = 0;
  std::string aaguid;  // 16 raw bytes
  std::string fmt;
  bool user_verified = false;
  bool backup_eligible = false;
  bool backed_up = false;
};

// The registration ceremony (WebAuthn 7.1) from clientDataJSON and the
// attestation object: type webauthn.create, challenge, origin, RP id hash,
// UP (and UV when required), a credential with a supported key, the
// attestation statement.
core::Result<Registration> VerifyRegistration(std::string_view client_data_json,
                                              std::string_view attestation_object,
                                              const Expectations& expect);

struct Assertion {
  uint32_t sign_count = 0;
  bool user_verified = false;
  bool backed_up = false;
};

// The authentication ceremony (WebAuthn 7.2) for a credential known by its
// COSE key and stored sign count: type webauthn.get, challenge, origin, RP
// id hash, UP (and UV when required), the signature over authenticatorData
// || SHA-256(clientDataJSON), and the sign count (see SignCountAdvances).
core::Result<Assertion> VerifyAssertion(std::string_view client_data_json,
                                        std::string_view authenticator_data,
                                        std::string_view signature, std::string_view cose_key,
                                        uint32_t stored_sign_count, const Expectations& expect);

// The clone check: false when either counter is non-zero and the new one is
// not greater than the stored one (both zero: the authenticator does not
// count, which is allowed).
bool SignCountAdvances(uint32_t stored, uint32_t received);

}  // namespace gh::crypto::webauthn

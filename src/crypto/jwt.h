// JSON Web Tokens (RFC 7519) in compact JWS form, and the key ring that signs
// and verifies them.
//
// Algorithms: HS256 (shared secret), ES256 (P-256, the default), RS256 and
// EdDSA (Ed25519). Every token carries the `kid` of its signing key. A KeyRing
// holds one active signing key plus retired keys that still verify, so a key
// rotation never invalidates live access tokens.
//
// A KeyRing is immutable after construction and safe to share between threads;
// to rotate, build a new one and swap the shared_ptr.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/types.h"

namespace gh::crypto {

// A token whose signature, `exp` and `nbf` checked out.
struct VerifiedJwt {
  std::string payload_json;  // the claims, as JSON text
  std::string kid;
  std::string sub;
  int64_t exp = 0;
  int64_t iat = 0;
};

// Generates a new key for `algorithm` ("HS256", "ES256", "RS256", "EdDSA"):
// kid is random, private_pem holds the PEM private key (for HS256 the raw
// secret, base64url-encoded), public_pem the PEM public key (empty for HS256).
core::Result<core::SigningKeyRecord> GenerateSigningKey(std::string_view algorithm,
                                                        core::UnixMillis now);

inline constexpr std::string_view kUnknownKid = "unknown kid";

class KeyRing {
 public:
  // `keys` newest first; the first key without retired_at signs. Fails with
  // invalid-request (and a message naming the kid) if a key cannot be parsed or
  // no key is active.
  static core::Result<std::shared_ptr<const KeyRing>> Create(
      const std::vector<core::SigningKeyRecord>& keys);
  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // Signs `payload_json` (a JSON object) with the active key. Returns an
  // empty string only if OpenSSL fails (out of memory).
  std::string Sign(std::string_view payload_json) const;
  // Checks the signature with the key named by the header's kid (or, when the
  // header has no kid, the active key), rejects alg "none" and any alg that does
  // not match that key, then checks `exp` (and `nbf`) against `now_seconds` with
  // `leeway_seconds`. On failure: Error{invalid-token} with a short reason;
  // the reason is exactly kUnknownKid when no key of this ring has the header's kid
  // (the caller may reload keys another instance added and try again).
  // Also rejected: tokens over 16 KiB, padded base64url, a `crit` header, a
  // repeated or malformed JSON member, and claims without a numeric `exp`
  // (a token that never expires is not an access token we issue).
  core::Result<VerifiedJwt> Verify(std::string_view token, int64_t now_seconds,
                                   int64_t leeway_seconds = 0) const;
  // Verify for API keys (Supabase's anon and service_role JWTs): `exp` is
  // optional (absent = never expires) and a kid-less token is checked with the
  // first key of its header's alg rather than the active key. Same errors.
  core::Result<VerifiedJwt> VerifyApiKey(std::string_view token, int64_t now_seconds) const;
  // {"keys":[...]} with the public JWK of every asymmetric key (active and
  // retired); HS256 keys are never published.
  const std::string& JwksJson() const { return jwks_json_; }
  const std::string& active_kid() const;
  const std::string& algorithm() const;

 private:
  struct Key;
  KeyRing() = default;
  core::Result<VerifiedJwt> VerifyAs(std::string_view token, int64_t now_seconds,
                                     int64_t leeway_seconds, bool api_key) const;
  std::vector<std::unique_ptr<Key>> keys_;  // keys_[0] signs
  std::string jwks_json_;
};

}  // namespace gh::crypto

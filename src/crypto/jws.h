// Compact JWS (RFC 7515) decoding, shared by our own KeyRing and by the
// verification of tokens someone else signed, and ForeignKey: a public key
// read from another party's JWK (RFC 7517/7518), such as the keys an OpenID
// Connect provider signs its ID tokens with.
//
// Only RS256 (RSA of at least 2048 bits) and ES256 (P-256) foreign keys are
// accepted: those are what Google, Apple and OIDC providers sign with, and
// taking fewer algorithms leaves fewer ways to be confused.
//
// Everything here is thread-safe; a ForeignKey is immutable once built.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "crypto/keys.h"

namespace gh::crypto {

// A compact JWS split and base64url-decoded; its signature is NOT checked yet.
struct DecodedJws {
  std::string header_json;
  std::string payload_json;   // not validated: the caller parses it after the signature
  std::string signature;      // raw bytes (ES256: R||S)
  std::string signing_input;  // "<header>.<payload>" as it came
  JwsAlg alg = JwsAlg::kES256;
  bool has_kid = false;
  std::string kid;
};

// Tokens larger than this are refused before any decoding.
inline constexpr size_t kMaxJwsBytes = 16 * 1024;

// Splits and decodes `token`. Errors (invalid-token, the message one of these
// short reasons): "malformed token" (empty, over kMaxJwsBytes, '=' padding, not
// exactly three parts, bad base64url), "malformed header" (not one strict JSON
// object), "missing alg", "unsupported alg" (none or unknown), "unsupported crit
// header", "malformed kid".
core::Result<DecodedJws> DecodeCompactJws(std::string_view token);

// The members of one JWK that matter for a signature key, as text.
struct JwkFields {
  std::string kty;  // "RSA" or "EC"
  std::string kid;
  std::string alg;   // optional; when set must fit kty
  std::string use;   // optional; when set must be "sig"
  std::string crv;   // EC
  std::string x, y;  // EC coordinates, base64url
  std::string n, e;  // RSA modulus and exponent, base64url
};

class ForeignKey {
 public:
  // Builds the public key. Errors: invalid-request with the reason when the
  // kty/crv/alg/use are not an RS256 or ES256 signature key, a member is not
  // base64url, the RSA modulus is under 2048 bits, or the EC point is not on
  // P-256.
  static core::Result<std::shared_ptr<const ForeignKey>> FromJwk(const JwkFields& jwk);
  ForeignKey(const ForeignKey&) = delete;
  ForeignKey& operator=(const ForeignKey&) = delete;

  const std::string& kid() const { return kid_; }
  JwsAlg alg() const { return alg_; }
  // True when `jws.alg` is this key's algorithm and the signature verifies.
  // The key, never the token, decides the algorithm.
  bool Verifies(const DecodedJws& jws) const;

 private:
  ForeignKey() = default;
  std::string kid_;
  JwsAlg alg_ = JwsAlg::kRS256;
  PkeyPtr pkey_;
};

}  // namespace gh::crypto

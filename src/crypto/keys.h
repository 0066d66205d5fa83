// Internal to crypto/: the per-algorithm work behind KeyRing and
// GenerateSigningKey. Loading and generating keys, JWS signatures in their
// JOSE wire form, and public JWKs (RFC 7517/7518/8037).
//
// Every function is thread-safe; an EVP_PKEY may be shared between threads
// as long as nobody mutates it, because each call makes its own EVP_MD_CTX.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace gh::crypto {

enum class JwsAlg { kHS256, kES256, kRS256, kEdDSA };

// Exact, case-sensitive names as in RFC 7518 / RFC 8037. Returns false for
// anything else, "none" included.
bool ParseJwsAlg(std::string_view name, JwsAlg* alg);
std::string_view JwsAlgName(JwsAlg alg);

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// The bytes written to a memory BIO (a PEM, say).
std::string BioContents(BIO* bio);

// HS256 secrets shorter than the hash output are refused (RFC 7518 3.2).
inline constexpr size_t kMinHmacSecretBytes = 32;

// Parses the key of an asymmetric `alg`: the private key from `private_pem`
// when it is not empty (then `public_pem`, if given, must be its public half),
// otherwise the public key from `public_pem`. Checks that the key type fits
// `alg` (P-256 for ES256, RSA of at least 2048 bits for RS256, Ed25519 for
// EdDSA). On failure returns null and sets *why.
PkeyPtr LoadAsymmetricKey(JwsAlg alg, std::string_view private_pem, std::string_view public_pem,
                          bool* has_private, std::string* why);

// A fresh key pair for an asymmetric `alg`, as PKCS#8 and SubjectPublicKeyInfo PEM.
bool GenerateKeyPairPem(JwsAlg alg, std::string* private_pem, std::string* public_pem);

// The JWS signature of `input` in its wire form (for ES256 the 64-byte R||S,
// not DER). Returns an empty string if OpenSSL fails.
std::string AsymmetricSign(JwsAlg alg, EVP_PKEY* key, std::string_view input);
// True if `signature` (wire form) is a valid signature of `input`.
bool AsymmetricVerify(JwsAlg alg, EVP_PKEY* key, std::string_view input,
                      std::string_view signature);

// Public keys from their numbers, checked by OpenSSL: RSA from the big-endian
// modulus and exponent (at least 2048 bits), P-256 from 32-byte coordinates
// (the point must lie on the curve). On failure return null and set *why.
PkeyPtr RsaKey(std::string_view n, std::string_view e, std::string* why);
PkeyPtr P256Key(std::string_view x, std::string_view y, std::string* why);

// The public JWK of `key` as a JSON object, with kid, alg and "use":"sig".
// Returns an empty string if the key parameters cannot be read.
std::string PublicJwk(JwsAlg alg, EVP_PKEY* key, std::string_view kid);

}  // namespace gh::crypto

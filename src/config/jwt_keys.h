// The jwt_keys setting: a JSON array of JWKs (RFC 7517), as GoTrue reads its
// GOTRUE_JWT_KEYS. Here only the shape is checked (members, algorithm, which
// key signs); crypto/jwk.h turns each key's numbers into a key and app/keys.cc
// builds the key ring from them, so a key whose numbers do not add up is
// refused there, at start and by `config check`.
//
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"

namespace gh::config {

struct JwtKey {
  std::string kid;
  std::string alg;           // HS256 | RS256 | ES256 | EdDSA: given, or implied by kty and crv
  bool has_private = false;  // d (RSA, EC, OKP) or k (oct)
  bool signs = false;        // the one key that signs; every key verifies
  std::map<std::string, std::string> members;  // the JWK's string members (kty, n, e, d, x, ...)
};

// The keys in their order. The first private key whose key_ops (when given)
// include "sign" signs. Errors name the key by position and kid and say why:
// not an array, an unsupported kty or alg (RS512, ES384, PS256, ...), a
// missing member, a duplicate kid, use other than "sig", no key that can sign.
core::Result<std::vector<JwtKey>> ParseJwtKeys(std::string_view json);

// jwt_algorithm follows the keys: the signing JWK's algorithm with jwt_keys
// set, else HS256 with jwt_secret set (what a shared secret means). Returns
// the problem with jwt_keys, if any.
std::optional<std::string> ApplyJwtKeys(Config& config);

// "key 2 (kid \"abc\")": how problems name a key.
std::string DescribeJwtKey(size_t index, std::string_view kid);

}  // namespace gh::config

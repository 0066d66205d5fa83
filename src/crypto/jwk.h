// A JSON Web Key's parameters (RFC 7518 section 6, RFC 8037) made into the
// signing-key record a KeyRing loads: RSA (n, e; d, p, q, dp, dq, qi),
// P-256 EC (x, y; d), Ed25519 OKP (x; d) and oct (k). The numbers are checked
// with OpenSSL (a private part must belong to its public part, an EC point
// must lie on the curve), so a key that cannot sign or verify is refused here
// with the reason.
//
// Pure function; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/types.h"

namespace gh::crypto {

// `members`: the JWK's string members, base64url as in the JWK. `alg` is one
// of HS256, RS256, ES256, EdDSA and fits the kty. With `with_private` false a
// private part is left out (the key only verifies). Error{invalid-request}
// with a short reason ("RSA private key does not match n") on bad numbers.
core::Result<core::SigningKeyRecord> SigningKeyFromJwk(
    std::string_view kid, std::string_view alg, const std::map<std::string, std::string>& members,
    bool with_private);

}  // namespace gh::crypto

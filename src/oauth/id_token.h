// OpenID Connect ID token verification (OIDC Core 3.1.3.7): the signature
// against the provider's keys, then iss, aud, exp/iat/nbf and nonce.
//
// Pure functions over their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "crypto/jws.h"

namespace gh::oauth {

struct IdTokenCheck {
  std::vector<std::string> issuers;    // accepted `iss` values, exact
  std::vector<std::string> audiences;  // accepted `aud` values; one must match
  // The raw nonce the token must carry, as itself or as lower-case hex of its
  // SHA-256 (what native Google and Apple SDKs put in); nullopt = not checked.
  std::optional<std::string> nonce;
  int64_t now_seconds = 0;
  int64_t leeway_seconds = 60;  // clock skew allowed on exp, iat and nbf
};

// Finds the key for a decoded token (a JwkSet lookup, or JwksCache::KeyFor).
using KeyLookup = std::function<core::Result<std::shared_ptr<const crypto::ForeignKey>>(
    const crypto::DecodedJws&)>;

// Verifies `token` and returns its claims. The claims must be one strict JSON
// object (no repeated member) with a non-empty string `sub`, a numeric `exp`.
// Errors: invalid-token with a short reason ("bad signature", "wrong issuer",
// "wrong audience", "token expired", "issued in the future", "token not yet
// valid", "missing nonce", "wrong nonce", "malformed claims", the reasons of
// crypto::DecodeCompactJws); whatever `keys` returns when it finds no key.
core::Result<nlohmann::json> VerifyIdToken(std::string_view token, const KeyLookup& keys,
                                           const IdTokenCheck& check);

// A boolean claim that providers spell as true or "true" (Apple's
// email_verified); false when absent or anything else.
bool ClaimIsTrue(const nlohmann::json& claims, const char* name);
// A string claim, or empty.
std::string ClaimString(const nlohmann::json& claims, const char* name);

}  // namespace gh::oauth

// auth::ApiKeys: Supabase's project API keys, the anon and service_role JWTs
// apps send as `apikey` (and service code as `Authorization: Bearer`). They
// are not access tokens: no user, no session, often no `exp` and no `kid`,
// issuer "supabase". Accepted when a key of the ring signed them; the `role`
// claim says what the caller may do (service_role = admin).
//
// Thread-safe (reads the TokenService's current key ring).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/tokens.h"
#include "core/clock.h"
#include "core/error.h"
#include "crypto/jwt.h"

namespace gh::auth {

inline constexpr std::string_view kAnonRole = "anon";
inline constexpr std::string_view kServiceRole = "service_role";

class ApiKeys {
 public:
  ApiKeys(const TokenService& tokens, const core::Clock& clock) : tokens_(tokens), clock_(clock) {}

  // The `role` claim of an API key signed by a key of the ring (a kid-less
  // one by the first key of its alg), unexpired when it has `exp`.
  // Errors: invalid-token (bad signature, expired, no string role).
  core::Result<std::string> Role(std::string_view token) const;

  // A new API key for `role`, signed by `ring`'s signing key: claims iss
  // "supabase", role, iat = now, and exp = now + ttl when ttl_seconds > 0.
  static std::string Mint(const crypto::KeyRing& ring, std::string_view role, int64_t now_seconds,
                          int64_t ttl_seconds);

 private:
  const TokenService& tokens_;
  const core::Clock& clock_;
};

}  // namespace gh::auth

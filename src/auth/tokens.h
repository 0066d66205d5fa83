// auth::TokenService: mints access tokens (JWT with the Hasura and GoTrue claims)
// and verifies them, with a small bounded cache of already-verified tokens so a
// busy GET /user does not pay an ES256 verify (~7k/s per core) on every call.
//
// Thread-safe. The key ring can be swapped at run time (key rotation) with
// SetKeyRing; tokens signed by retired keys keep verifying until they expire.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/error.h"
#include "core/types.h"
#include "crypto/jwt.h"

namespace gh::auth {

// What a verified access token says.
struct AccessClaims {
  std::string user_id;
  std::string session_id;
  std::string default_role;
  bool is_anonymous = false;
  std::string aal;
  int64_t exp = 0;
};

// The settings an access token is issued and checked with. Defaults are the
// settings' defaults.
struct TokenOptions {
  std::string jwt_issuer = "gatehouse";
  std::string jwt_audience = "authenticated";
  std::string jwt_claims_namespace = "https://hasura.io/jwt/claims";
  int64_t access_token_ttl_seconds = 900;
  int64_t signing_keys_reload_seconds = 60;
  bool operator==(const TokenOptions&) const = default;
};

class TokenService {
 public:
  // Loads the current key ring (e.g. from the store); may be empty.
  using KeyLoader = std::function<core::Result<std::shared_ptr<const crypto::KeyRing>>()>;

  // `reload`, when given, is called every config signing_keys_reload_seconds (on
  // the next issue, verify or JWKS read after that), and at most once a second
  // when a token names a kid this ring lacks: another instance or `gatehouse
  // keys` may have changed the keys since we loaded. A reload forgets the
  // verified-token cache, so a removed key's tokens stop verifying at once.
  // `options` must outlive the service (it is read at each call).
  TokenService(const TokenOptions& options, const core::Clock& clock,
               std::shared_ptr<const crypto::KeyRing> keys, KeyLoader reload = {});
  TokenService(const TokenService&) = delete;
  TokenService& operator=(const TokenService&) = delete;

  // A signed access token for this user and session, valid for the configured TTL.
  std::string Issue(const core::User& user, const core::SessionRecord& session) const;
  // Issue in two steps, for a custom access token hook between them: the
  // claims Issue would sign (a JSON object, as text), and a token of any
  // claims signed with the current key.
  std::string ClaimsJson(const core::User& user, const core::SessionRecord& session) const;
  std::string SignClaims(const std::string& claims_json) const;
  // Checks signature, expiry, issuer, audience (exactly the configured
  // jwt_audience, as a string) and the presence of the claims we need. Says
  // nothing about whether the session is still live (see
  // SessionService::RequireLive). On failure: Error{invalid-token}.
  core::Result<AccessClaims> Verify(std::string_view token) const;

  std::shared_ptr<const crypto::KeyRing> key_ring() const;
  // The key ring after a reload when one is due: what the JWKS publishes.
  std::shared_ptr<const crypto::KeyRing> CurrentKeyRing() const;
  void SetKeyRing(std::shared_ptr<const crypto::KeyRing> keys);
  // Reloads through the KeyLoader now (no-op without one); false on failure.
  bool ReloadKeys() const;
  int64_t access_ttl_seconds() const { return options_.access_token_ttl_seconds; }

 private:
  const TokenOptions& options_;
  const core::Clock& clock_;
  mutable std::mutex mu_;                                // guards keys_ and cache_
  mutable std::shared_ptr<const crypto::KeyRing> keys_;  // swapped by reloads
  KeyLoader reload_;
  mutable std::mutex reload_mu_;        // one reload at a time
  mutable int64_t last_reload_millis_;  // guarded by reload_mu_
  // Reloads when the last reload is older than signing_keys_reload_seconds.
  void ReloadIfDue() const;
  // SHA-256 of a token -> its claims; entries dropped at exp, whole cache
  // cleared when it reaches kCacheLimit (cheap, and refills at once).
  static constexpr size_t kCacheLimit = 16384;
  mutable std::unordered_map<std::string, AccessClaims> cache_;
};

}  // namespace gh::auth

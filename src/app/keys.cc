#include "app/keys.h"

#include "config/jwt_keys.h"
#include "crypto/hash.h"
#include "crypto/jwk.h"
#include "crypto/random.h"

namespace gh::app {

core::Result<std::shared_ptr<const crypto::KeyRing>> ConfiguredKeyRing(const config::Config& config,
                                                                       core::UnixMillis now) {
  std::vector<core::SigningKeyRecord> records;
  if (!config.jwt_keys.empty()) {
    auto keys = config::ParseJwtKeys(config.jwt_keys);
    if (!keys) return core::Error(core::errc::kInvalidRequest, "jwt_keys: " + keys.error().message);
    for (size_t i = 0; i < keys->size(); ++i) {
      const config::JwtKey& k = (*keys)[i];
      auto r = crypto::SigningKeyFromJwk(k.kid, k.alg, k.members, k.has_private);
      if (!r)
        return core::Error(
            core::errc::kInvalidRequest,
            "jwt_keys: " + config::DescribeJwtKey(i, k.kid) + ": " + r.error().message);
      r->created_at = now;
      if (!k.signs) r->retired_at = now;  // verifies only; the ring puts the signer first
      records.push_back(std::move(*r));
    }
  }
  if (!config.jwt_secret.empty()) {
    core::SigningKeyRecord k;
    k.kid = crypto::Sha256Hex(config.jwt_secret).substr(0, 16);  // stable across instances
    k.algorithm = "HS256";
    k.private_pem = crypto::Base64UrlEncode(config.jwt_secret);
    k.created_at = now;
    // Beside JWKs the secret's key only verifies (tokens signed before the switch).
    if (!records.empty()) k.retired_at = now;
    records.push_back(std::move(k));
  }
  if (records.empty())
    return core::Error(core::errc::kInvalidRequest, "neither jwt_keys nor jwt_secret is set");
  auto ring = crypto::KeyRing::Create(records);
  if (!ring && !config.jwt_keys.empty())
    return core::Error(core::errc::kInvalidRequest, "jwt_keys: " + ring.error().message);
  return ring;
}

core::Result<std::shared_ptr<const crypto::KeyRing>> LoadKeyRing(const config::Config& config,
                                                                 store::Store& store,
                                                                 const core::Clock& clock) {
  if (!config.jwt_secret.empty() || !config.jwt_keys.empty())
    return ConfiguredKeyRing(config, clock.NowMillis());
  auto keys = store.keys().List();
  if (!keys) return keys.error();
  bool have_active = false;
  for (const auto& k : *keys) {
    if (!k.retired_at) {
      have_active = k.algorithm == config.jwt_algorithm;
      break;  // newest first: the first active key is the one that signs
    }
  }
  if (!have_active) {
    auto fresh = crypto::GenerateSigningKey(config.jwt_algorithm, clock.NowMillis());
    if (!fresh) return fresh.error();
    if (auto r = store.keys().Insert(*fresh); !r) return r.error();
    keys = store.keys().List();
    if (!keys) return keys.error();
  }
  return crypto::KeyRing::Create(*keys);
}

core::Result<std::shared_ptr<const crypto::KeyRing>> ReloadKeyRing(const config::Config& config,
                                                                   store::Store& store) {
  if (!config.jwt_secret.empty() || !config.jwt_keys.empty())
    return ConfiguredKeyRing(config, core::SystemClock::Instance().NowMillis());  // no writes
  auto keys = store.keys().List();
  if (!keys) return keys.error();
  return crypto::KeyRing::Create(*keys);
}

core::Result<std::string> MfaKeyMaterial(const config::Config& config, store::Store& store) {
  if (!config.mfa_encryption_key.empty()) return config.mfa_encryption_key;
  return store.GetOrInsertSecret("mfa-encryption-key", crypto::HexEncode(crypto::RandomBytes(32)));
}

}  // namespace gh::app

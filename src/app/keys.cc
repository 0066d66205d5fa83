#include "app/keys.h"

#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::app {

core::Result<std::shared_ptr<const crypto::KeyRing>> LoadKeyRing(const config::Config& config,
                                                                 store::Store& store,
                                                                 const core::Clock& clock) {
  if (!config.jwt_secret.empty()) {
    core::SigningKeyRecord k;
    k.kid = crypto::Sha256Hex(config.jwt_secret).substr(0, 16);  // stable across instances
    k.algorithm = "HS256";
    k.private_pem = crypto::Base64UrlEncode(config.jwt_secret);
    k.created_at = clock.NowMillis();
    return crypto::KeyRing::Create({k});
  }
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
  if (!config.jwt_secret.empty())
    return LoadKeyRing(config, store, core::SystemClock::Instance());  // config only, no writes
  auto keys = store.keys().List();
  if (!keys) return keys.error();
  return crypto::KeyRing::Create(*keys);
}

core::Result<std::string> MfaKeyMaterial(const config::Config& config, store::Store& store) {
  if (!config.mfa_encryption_key.empty()) return config.mfa_encryption_key;
  return store.GetOrInsertSecret("mfa-encryption-key", crypto::HexEncode(crypto::RandomBytes(32)));
}

}  // namespace gh::app

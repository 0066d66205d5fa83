// The `gatehouse keys` commands (declared in app/app.h): rotate, list, retire,
// remove. They only change rows; running servers reread the keys on their own
// (auth::TokenService, every signing_keys_reload_seconds).

#include <optional>
#include <sstream>

#include "app/app.h"
#include "app/keys.h"
#include "app/migrated_store.h"
#include "auth/api_keys.h"
#include "core/clock.h"
#include "crypto/jwt.h"

namespace gh::app {

namespace {

// The keys come from configuration (jwt_secret or jwt_keys), not the store: the
// commands would change rows nothing reads.
std::optional<core::Error> KeysFromConfig(const config::Config& config) {
  if (!config.jwt_secret.empty())
    return core::Error(core::errc::kInvalidRequest,
                       "jwt_secret is set: HS256 keys come from configuration; change the secret "
                       "instead");
  if (!config.jwt_keys.empty())
    return core::Error(core::errc::kInvalidRequest,
                       "jwt_keys is set: the signing keys come from configuration; add the new "
                       "key first in jwt_keys instead");
  return std::nullopt;
}

// The key that signs: the newest one not retired (crypto::KeyRing's rule).
const core::SigningKeyRecord* SigningKey(const std::vector<core::SigningKeyRecord>& keys) {
  for (const auto& k : keys)
    if (!k.retired_at) return &k;
  return nullptr;
}

const core::SigningKeyRecord* Find(const std::vector<core::SigningKeyRecord>& keys,
                                   std::string_view kid) {
  for (const auto& k : keys)
    if (k.kid == kid) return &k;
  return nullptr;
}

core::Error NoSuchKey(std::string_view kid) {
  return core::Error(core::errc::kInvalidRequest,
                     "no signing key " + std::string(kid) + " (see `gatehouse keys list`)");
}

// The store, its keys and the one named `kid` among them, for retire and remove.
struct NamedKey {
  std::unique_ptr<store::Store> store;
  std::vector<core::SigningKeyRecord> keys;
  const core::SigningKeyRecord* key = nullptr;  // points into keys
};

core::Result<NamedKey> OpenNamedKey(const config::Config& config, std::string_view kid) {
  if (auto e = KeysFromConfig(config)) return *e;
  NamedKey named;
  auto store = OpenMigrated(config);
  if (!store) return store.error();
  named.store = std::move(*store);
  auto keys = named.store->keys().List();
  if (!keys) return keys.error();
  named.keys = std::move(*keys);
  named.key = Find(named.keys, kid);
  if (named.key == nullptr) return NoSuchKey(kid);
  return named;
}

}  // namespace

core::Result<std::string> RotateKeys(const config::Config& config) {
  if (auto e = KeysFromConfig(config)) return *e;
  auto store = OpenMigrated(config);
  if (!store) return store.error();
  const core::Clock& clock = core::SystemClock::Instance();
  auto keys = (*store)->keys().List();
  if (!keys) return keys.error();
  auto fresh = crypto::GenerateSigningKey(config.jwt_algorithm, clock.NowMillis());
  if (!fresh) return fresh.error();
  if (auto r = (*store)->keys().Insert(*fresh); !r) return r.error();
  for (const auto& k : *keys)
    if (!k.retired_at)
      if (auto r = (*store)->keys().Retire(k.kid, clock.NowMillis()); !r) return r.error();
  return fresh->kid;
}

core::Result<std::string> MintApiKey(const config::Config& config, std::string_view role) {
  auto store = OpenMigrated(config);
  if (!store) return store.error();
  const core::Clock& clock = core::SystemClock::Instance();
  auto ring = LoadKeyRing(config, **store, clock);
  if (!ring) return ring.error();
  constexpr int64_t kTenYears = 10LL * 365 * 24 * 3600;
  std::string key = auth::ApiKeys::Mint(**ring, role, clock.NowSeconds(), kTenYears);
  if (key.empty()) return core::Error(core::errc::kInternal, "could not sign the API key");
  return key;
}

core::Result<std::string> ListKeys(const config::Config& config) {
  auto store = OpenMigrated(config);
  if (!store) return store.error();
  auto keys = (*store)->keys().List();
  if (!keys) return keys.error();
  const core::SigningKeyRecord* signing = SigningKey(*keys);
  std::ostringstream out;
  for (const auto& k : *keys) {
    out << k.kid << "  " << k.algorithm << "  created " << core::FormatRfc3339(k.created_at);
    if (k.retired_at)
      out << "  retired " << core::FormatRfc3339(*k.retired_at);
    else
      out << (&k == signing ? "  signing" : "  active");
    out << "\n";
  }
  return out.str();
}

core::Result<std::string> RetireKey(const config::Config& config, std::string_view kid) {
  auto named = OpenNamedKey(config, kid);
  if (!named) return named.error();
  store::Store& store = *named->store;
  const std::vector<core::SigningKeyRecord>& keys = named->keys;
  const core::SigningKeyRecord* key = named->key;
  if (key->retired_at)
    return "signing key " + key->kid + " was already retired " +
           core::FormatRfc3339(*key->retired_at) + "\n";
  // Retiring the key that signs would leave the running servers nothing to sign
  // with (or an older key signing again): a rotation replaces it in one step.
  if (key == SigningKey(keys))
    return core::Error(core::errc::kInvalidRequest,
                       "signing key " + key->kid +
                           " signs every new token; run `gatehouse keys rotate` to replace it "
                           "(that retires it)");
  const core::UnixMillis now = core::SystemClock::Instance().NowMillis();
  if (auto r = store.keys().Retire(key->kid, now); !r) return r.error();
  return "retired signing key " + key->kid + ": it no longer signs and still verifies; remove it " +
         "with `gatehouse keys remove " + key->kid + "` after " +
         core::FormatRfc3339(
             now + (config.access_token_ttl_seconds + config.signing_keys_reload_seconds) * 1000) +
         "\n";
}

core::Result<std::string> RemoveKey(const config::Config& config, std::string_view kid,
                                    bool force) {
  auto named = OpenNamedKey(config, kid);
  if (!named) return named.error();
  store::Store& store = *named->store;
  const std::vector<core::SigningKeyRecord>& keys = named->keys;
  const core::SigningKeyRecord* key = named->key;
  if (!key->retired_at)
    return core::Error(core::errc::kInvalidRequest,
                       "signing key " + key->kid + " is not retired; " +
                           (key == SigningKey(keys) ? "run `gatehouse keys rotate` first"
                                                    : "run `gatehouse keys retire` first"));
  // An instance may have signed with the key until it reread the keys after the
  // retirement, and such a token lives access_token_ttl_seconds.
  const core::UnixMillis safe =
      *key->retired_at +
      (config.access_token_ttl_seconds + config.signing_keys_reload_seconds) * 1000;
  const core::UnixMillis now = core::SystemClock::Instance().NowMillis();
  if (now < safe && !force)
    return core::Error(
        core::errc::kInvalidRequest,
        "signing key " + key->kid + " was retired " + core::FormatRfc3339(*key->retired_at) +
            "; access tokens it signed may be valid until " + core::FormatRfc3339(safe) +
            ". Remove it after that, or now with --force (those tokens are then "
            "refused)");
  auto removed = store.keys().DeleteRetired(key->kid);
  if (!removed) return removed.error();
  if (!*removed) return NoSuchKey(kid);  // removed (or un-retired) meanwhile
  return "removed signing key " + key->kid +
         ": running servers stop publishing it and refuse its tokens within " +
         std::to_string(config.signing_keys_reload_seconds) + " s\n";
}

}  // namespace gh::app

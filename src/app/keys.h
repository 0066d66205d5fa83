// Loading the signing key ring from the store (creating the first key on a fresh
// database) or from the configured JWKs and HS256 secret, and the key TOTP secrets are
// sealed with.
#pragma once

#include <memory>

#include "config/config.h"
#include "core/clock.h"
#include "core/error.h"
#include "crypto/jwt.h"
#include "store/store.h"

namespace gh::app {

// The key ring to sign and verify with. With jwt_keys or jwt_secret set it is
// ConfiguredKeyRing; otherwise the store's keys, after generating one of jwt_algorithm when
// no active key of that algorithm exists.
core::Result<std::shared_ptr<const crypto::KeyRing>> LoadKeyRing(const config::Config& config,
                                                                 store::Store& store,
                                                                 const core::Clock& clock);

// The ring jwt_keys (JWKs: the signing one first, the others verify) and
// jwt_secret (its HS256 key; verify-only beside JWKs) describe, without the
// store. Error{invalid-request} naming the bad key and why. `config check`
// calls it to refuse what `serve` would.
core::Result<std::shared_ptr<const crypto::KeyRing>> ConfiguredKeyRing(const config::Config& config,
                                                                       core::UnixMillis now);

// The key ring as stored now, without creating keys (for reloads while serving).
core::Result<std::shared_ptr<const crypto::KeyRing>> ReloadKeyRing(const config::Config& config,
                                                                   store::Store& store);

// The key material TOTP secrets are sealed under: mfa_encryption_key, or a key
// generated once and kept in the store's secrets table ("mfa-encryption-key";
// docs/configuration.md). Created on first use, so every caller agrees.
core::Result<std::string> MfaKeyMaterial(const config::Config& config, store::Store& store);

}  // namespace gh::app

// A user's passkeys in the rows of `users export` / `users import`
// (`passkeys`, an array beside `mfaFactors`): every column of
// core::WebauthnCredential, times as RFC 3339. A passkey's public key is no
// secret; it moves as stored.
//
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "core/error.h"
#include "core/types.h"

namespace gh::app {

nlohmann::ordered_json PasskeysJson(const std::vector<core::WebauthnCredential>& passkeys);

// Reads `passkeys` of a native line (absent or null: none). Errors:
// Error{invalid-request} naming the entry and field.
core::Result<std::vector<core::WebauthnCredential>> ReadPasskeys(const nlohmann::json& line);

}  // namespace gh::app

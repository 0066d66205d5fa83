// One user as one line of JSON: the rows `gatehouse users export` writes and
// `gatehouse users import` reads.
//
// Three row shapes are read, recognised per line by their keys:
//  - native: what export writes. camelCase, every field of core::User
//    (passwordHash, roles, metadata, ...), the user's identities and second
//    factors (`mfaFactors`, each with its secret in clear, base32 `secret`;
//    the target seals it under its own key), the recovery codes' hashes and
//    the personal access tokens (`personalAccessTokens`, by their SHA-256,
//    which any store checks alike; lines from before them have none).
//    Times are RFC 3339 strings. A line with a secret is a secret itself.
//    Lines of releases before factors had ids carry one TOTP secret instead
//    (`activeMfaType`, `totpSecret` or `totpSecretEncrypted`): read as one
//    factor, verified when activeMfaType is "totp".
//  - Supabase: a row of auth.users as `row_to_json` gives it (encrypted_password,
//    email_confirmed_at, phone, raw_user_meta_data, raw_app_meta_data, ...).
//  - Nhost: a row of auth.users (password_hash, display_name, default_role,
//    email_verified, phone_number, metadata, ...), plus `roles` (strings, or
//    objects with a `role` member) when the export joined auth.user_roles.
// Ids and password hashes (Argon2id, or bcrypt that the password flow upgrades
// on the next sign-in) are kept, so people sign in with their old passwords.
//
// Pure functions over their arguments; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "core/types.h"

namespace gh::app {

enum class UserRowFormat { kNative, kSupabase, kNhost };

// "native", "supabase" or "nhost".
const char* UserRowFormatName(UserRowFormat format);

// One second factor as it moves between stores. Its secret travels unsealed
// in `key`, since each store seals under its own key; a secret the source
// could not open stays sealed in factor.secret_encrypted (it works only where
// that key is). factor.id is empty for a factor of an old line (the importer
// gives it one); factor.user_id is the row's user.
struct ExportedFactor {
  core::MfaFactor factor;
  std::optional<std::string> key;  // the raw TOTP key (base32 in the line)
};

// The second factors of one user and their recovery codes.
struct MfaSecrets {
  std::vector<ExportedFactor> factors;
  std::vector<std::string> recovery_code_hashes;  // unused codes, as auth::RecoveryCodeHash
  // The user's passkeys (first factors, but they travel with the factors: `passkeys`).
  std::vector<core::WebauthnCredential> passkeys;
};

struct UserRow {
  UserRowFormat format = UserRowFormat::kNative;
  core::User user;
  std::vector<core::Identity> identities;
  MfaSecrets mfa;
  std::vector<core::PersonalAccessToken> pats;  // user_id is the row's user
  // Set when the row is valid but must not be imported (a Supabase row with
  // deleted_at): why.
  std::optional<std::string> skip_reason;
  // Things the row had that could not be carried over (e.g. an Nhost TOTP secret,
  // stored there in clear and here encrypted with a key Gatehouse has not got).
  std::vector<std::string> warnings;
};

// Parses one line. What a foreign row does not say (roles, locale) comes from
// `config`'s sign-up defaults; a default role is always among the roles.
// Errors are Error{invalid-request} whose message names the field: invalid JSON,
// not an object, an unrecognisable shape, a missing or malformed id, an invalid
// email, phone or timestamp, a password hash that is neither Argon2id nor
// bcrypt, metadata that is not an object.
core::Result<UserRow> ParseUserRow(std::string_view line, const config::Config& config);

// The native row of a user, its identities, second factors and personal
// access tokens: one line of JSON, without the trailing newline.
// ParseUserRow(FormatUserRow(u, ids, mfa, pats)) gives back u, ids, mfa and pats.
std::string FormatUserRow(const core::User& user, const std::vector<core::Identity>& identities,
                          const MfaSecrets& mfa = {},
                          const std::vector<core::PersonalAccessToken>& pats = {});

// The timestamps rows carry (core/clock.h).
using core::ParseTimestamp;

}  // namespace gh::app

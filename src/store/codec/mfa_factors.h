// The mfa_factors row (one second factor of a user), said once for both
// stores: its columns, its statements and its codec. Also the statement that
// keeps the users row's second-factor summary in step with the factors after
// every factor write.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"

#define GH_MFA_FACTOR_COLUMNS                                                                 \
  "id, user_id, type, friendly_name, secret_encrypted, created_at, updated_at, verified_at, " \
  "last_challenged_at"

namespace gh::store::codec {

inline constexpr char kInsertMfaFactor[] = "INSERT INTO mfa_factors (" GH_MFA_FACTOR_COLUMNS
                                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr char kSelectMfaFactor[] =
    "SELECT " GH_MFA_FACTOR_COLUMNS " FROM mfa_factors WHERE id = ?1";
inline constexpr char kSelectMfaFactorsByUser[] =
    "SELECT " GH_MFA_FACTOR_COLUMNS " FROM mfa_factors WHERE user_id = ?1 ORDER BY created_at, id";
// ?1 .. ?5 are BindMfaFactorUpdate's, ?6 the id. RETURNING names the user whose
// summary the store then refreshes.
inline constexpr char kUpdateMfaFactor[] =
    "UPDATE mfa_factors SET friendly_name = ?1, secret_encrypted = ?2, updated_at = ?3, "
    "verified_at = ?4, last_challenged_at = ?5 WHERE id = ?6 RETURNING user_id";
inline constexpr char kDeleteMfaFactor[] =
    "DELETE FROM mfa_factors WHERE id = ?1 RETURNING user_id";

// ?1 user id. The users columns the previous release read its second factor
// from, derived from the factors: active_mfa_type is 'totp' while a verified
// TOTP factor exists (and is what core::User::verified_mfa_type reads), and
// totp_secret_encrypted is that factor's secret, else the newest pending one.
inline constexpr char kSyncUserMfaColumns[] =
    "UPDATE users SET "
    "active_mfa_type = (SELECT 'totp' FROM mfa_factors WHERE user_id = ?1 AND type = 'totp' "
    "AND verified_at IS NOT NULL LIMIT 1), "
    "totp_secret_encrypted = (SELECT secret_encrypted FROM mfa_factors WHERE user_id = ?1 "
    "AND type = 'totp' ORDER BY verified_at IS NULL, created_at DESC, id LIMIT 1) "
    "WHERE id = ?1";

// Binds every column in the order of GH_MFA_FACTOR_COLUMNS.
void BindMfaFactor(ParamSink& sink, const core::MfaFactor& factor);
// The parameters of kUpdateMfaFactor, the id last.
void BindMfaFactorUpdate(ParamSink& sink, const core::MfaFactor& factor);
core::MfaFactor ReadMfaFactor(RowReader& row);

}  // namespace gh::store::codec

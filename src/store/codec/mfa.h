// The second-factor tables (mfa_used_totp_steps, mfa_recovery_codes,
// mfa_failures): the statements both stores run alike. They carry no record
// type, so there is no codec beyond the statements. How recovery codes are
// inserted is each store's own (one row at a time in SQLite, one array in
// PostgreSQL).
//
// Thread safety: constants.
#pragma once

namespace gh::store::codec {

// ?1 user id, ?2 step, ?3 now. ON CONFLICT DO NOTHING waits for a concurrent
// inserter of the same key and then inserts nothing: exactly one caller sees
// one changed row.
inline constexpr char kMarkTotpStepUsed[] =
    "INSERT INTO mfa_used_totp_steps (user_id, step, used_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (user_id, step) DO NOTHING";
inline constexpr char kPurgeTotpSteps[] = "DELETE FROM mfa_used_totp_steps WHERE used_at < ?1";

inline constexpr char kDeleteRecoveryCodes[] = "DELETE FROM mfa_recovery_codes WHERE user_id = ?1";
// ?1 now, ?2 user id, ?3 code hash.
inline constexpr char kUseRecoveryCode[] =
    "UPDATE mfa_recovery_codes SET used_at = ?1 "
    "WHERE user_id = ?2 AND code_hash = ?3 AND used_at IS NULL";
inline constexpr char kCountRecoveryCodes[] =
    "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = ?1 AND used_at IS NULL";

// ?1 user id, ?2 now, ?3 the start of the current window (now - window).
// Every expression in DO UPDATE reads the row as it was before the update.
inline constexpr char kRecordMfaFailure[] =
    "INSERT INTO mfa_failures AS f (user_id, window_start, failures) VALUES (?1, ?2, 1) "
    "ON CONFLICT (user_id) DO UPDATE SET "
    "failures = CASE WHEN f.window_start <= ?3 THEN 1 ELSE f.failures + 1 END, "
    "window_start = CASE WHEN f.window_start <= ?3 THEN ?2 ELSE f.window_start END "
    "RETURNING failures";
// ?1 user id, ?2 the start of the current window.
inline constexpr char kRecentMfaFailures[] =
    "SELECT failures FROM mfa_failures WHERE user_id = ?1 AND window_start > ?2";
inline constexpr char kClearMfaFailures[] = "DELETE FROM mfa_failures WHERE user_id = ?1";

}  // namespace gh::store::codec

// PgMfa: recovery codes, used TOTP steps and the second-factor lock-out
// (statements: codec/mfa.h).

#include "store/codec/mfa.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kMarkTotpStepUsed(codec::kMarkTotpStepUsed);
constexpr PgSql kPurgeTotpSteps(codec::kPurgeTotpSteps);
constexpr PgSql kDeleteRecoveryCodes(codec::kDeleteRecoveryCodes);
constexpr PgSql kUseRecoveryCode(codec::kUseRecoveryCode);
constexpr PgSql kCountRecoveryCodes(codec::kCountRecoveryCodes);
constexpr PgSql kRecordFailure(codec::kRecordMfaFailure);
constexpr PgSql kRecentFailures(codec::kRecentMfaFailures);
constexpr PgSql kClearFailures(codec::kClearMfaFailures);
// Every code in one statement, as one text[] parameter.
constexpr const char* kInsertRecoveryCodes =
    "INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) "
    "SELECT $1, h, $3 FROM unnest($2::text[]) AS h ON CONFLICT (user_id, code_hash) DO NOTHING";

}  // namespace

Result<bool> PgMfa::MarkTotpStepUsed(std::string_view user_id, int64_t step, core::UnixMillis now) {
  return db_.Single("mfa.mark_step", [&](Connection& conn) -> Result<bool> {
    return conn.Run(kMarkTotpStepUsed, Params().Add(user_id).Add(step).Add(now)).affected() == 1;
  });
}

Result<void> PgMfa::ReplaceRecoveryCodes(std::string_view user_id,
                                         const std::vector<std::string>& hashes,
                                         core::UnixMillis now) {
  return db_.Transaction("mfa.replace_recovery", [&](Connection& conn) -> Result<void> {
    conn.Run(kDeleteRecoveryCodes, Params().Add(user_id));
    if (!hashes.empty()) {
      conn.Run(kInsertRecoveryCodes, Params().Add(user_id).AddTextArray(hashes).Add(now));
    }
    return core::Ok();
  });
}

Result<bool> PgMfa::UseRecoveryCode(std::string_view user_id, std::string_view hash,
                                    core::UnixMillis now) {
  return db_.Single("mfa.use_recovery", [&](Connection& conn) -> Result<bool> {
    return conn.Run(kUseRecoveryCode, Params().Add(now).Add(user_id).Add(hash)).affected() == 1;
  });
}

Result<int> PgMfa::CountRecoveryCodes(std::string_view user_id) {
  return db_.Single("mfa.count_recovery", [&](Connection& conn) -> Result<int> {
    return static_cast<int>(conn.Run(kCountRecoveryCodes, Params().Add(user_id)).Int(0, 0));
  });
}

Result<std::vector<std::string>> PgMfa::ListRecoveryCodes(std::string_view user_id) {
  return db_.Single("mfa.list_recovery", [&](Connection& conn) -> Result<std::vector<std::string>> {
    PgResult r = conn.Run(
        "SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL "
        "ORDER BY code_hash",
        Params().Add(user_id));
    std::vector<std::string> hashes;
    for (int i = 0; i < r.rows(); ++i) hashes.push_back(r.Text(i, 0));
    return hashes;
  });
}

Result<int> PgMfa::RecordFailure(std::string_view user_id, core::UnixMillis now,
                                 int64_t window_millis) {
  return db_.Single("mfa.record_failure", [&](Connection& conn) -> Result<int> {
    PgResult r = conn.Run(kRecordFailure, Params().Add(user_id).Add(now).Add(now - window_millis));
    if (r.rows() == 0) return 1;
    return static_cast<int>(r.Int(0, 0));
  });
}

Result<int> PgMfa::RecentFailures(std::string_view user_id, core::UnixMillis now,
                                  int64_t window_millis) {
  return db_.Single("mfa.recent_failures", [&](Connection& conn) -> Result<int> {
    PgResult r = conn.Run(kRecentFailures, Params().Add(user_id).Add(now - window_millis));
    if (r.rows() == 0) return 0;
    return static_cast<int>(r.Int(0, 0));
  });
}

Result<void> PgMfa::ClearFailures(std::string_view user_id) {
  return db_.Single("mfa.clear_failures", [&](Connection& conn) -> Result<void> {
    conn.Run(kClearFailures, Params().Add(user_id));
    return core::Ok();
  });
}

Result<int> PgMfa::Purge(core::UnixMillis before) {
  return db_.Single("mfa.purge", [&](Connection& conn) -> Result<int> {
    return conn.Run(kPurgeTotpSteps, Params().Add(before)).affected();
  });
}

}  // namespace gh::store::postgres

// SqliteMfa: recovery codes, used TOTP steps and the second-factor lock-out
// (statements: codec/mfa.h).

#include "store/codec/mfa.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

Result<bool> SqliteMfa::MarkTotpStepUsed(std::string_view user_id, int64_t step,
                                         core::UnixMillis now) {
  return db_.Write("mfa.mark_step", [&](Connection& conn) -> Result<bool> {
    return conn.Prepare(codec::kMarkTotpStepUsed)
               .Bind(1, user_id)
               .Bind(2, step)
               .Bind(3, now)
               .Run() == 1;
  });
}

Result<void> SqliteMfa::ReplaceRecoveryCodes(std::string_view user_id,
                                             const std::vector<std::string>& hashes,
                                             core::UnixMillis now) {
  return db_.Write("mfa.replace_recovery", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kDeleteRecoveryCodes).Bind(1, user_id).Run();
    for (const std::string& h : hashes) {
      conn.Prepare(
              "INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (user_id, code_hash) DO NOTHING")
          .Bind(1, user_id)
          .Bind(2, h)
          .Bind(3, now)
          .Run();
    }
    return core::Ok();
  });
}

Result<bool> SqliteMfa::UseRecoveryCode(std::string_view user_id, std::string_view hash,
                                        core::UnixMillis now) {
  return db_.Write("mfa.use_recovery", [&](Connection& conn) -> Result<bool> {
    return conn.Prepare(codec::kUseRecoveryCode)
               .Bind(1, now)
               .Bind(2, user_id)
               .Bind(3, hash)
               .Run() == 1;
  });
}

Result<int> SqliteMfa::CountRecoveryCodes(std::string_view user_id) {
  return db_.Read("mfa.count_recovery", [&](Connection& conn) -> Result<int> {
    Stmt st = conn.Prepare(codec::kCountRecoveryCodes);
    st.Bind(1, user_id).Step();
    return static_cast<int>(st.Int(0));
  });
}

Result<std::vector<std::string>> SqliteMfa::ListRecoveryCodes(std::string_view user_id) {
  return db_.Read("mfa.list_recovery", [&](Connection& conn) -> Result<std::vector<std::string>> {
    std::vector<std::string> hashes;
    Stmt st = conn.Prepare(
        "SELECT code_hash FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL "
        "ORDER BY code_hash");
    st.Bind(1, user_id);
    while (st.Step()) hashes.push_back(st.Text(0));
    return hashes;
  });
}

Result<int> SqliteMfa::RecordFailure(std::string_view user_id, core::UnixMillis now,
                                     int64_t window_millis) {
  return db_.Write("mfa.record_failure", [&](Connection& conn) -> Result<int> {
    Stmt st = conn.Prepare(codec::kRecordMfaFailure);
    if (!st.Bind(1, user_id).Bind(2, now).Bind(3, now - window_millis).Step()) return 1;
    int failures = static_cast<int>(st.Int(0));
    while (st.Step()) {
    }
    return failures;
  });
}

Result<int> SqliteMfa::RecentFailures(std::string_view user_id, core::UnixMillis now,
                                      int64_t window_millis) {
  return db_.Read("mfa.recent_failures", [&](Connection& conn) -> Result<int> {
    Stmt st = conn.Prepare(codec::kRecentMfaFailures);
    if (!st.Bind(1, user_id).Bind(2, now - window_millis).Step()) return 0;
    return static_cast<int>(st.Int(0));
  });
}

Result<void> SqliteMfa::ClearFailures(std::string_view user_id) {
  return db_.Write("mfa.clear_failures", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kClearMfaFailures).Bind(1, user_id).Run();
    return core::Ok();
  });
}

Result<int> SqliteMfa::Purge(core::UnixMillis before) {
  return db_.Write("mfa.purge", [&](Connection& conn) -> Result<int> {
    return conn.Prepare(codec::kPurgeTotpSteps).Bind(1, before).Run();
  });
}

}  // namespace gh::store::sqlite

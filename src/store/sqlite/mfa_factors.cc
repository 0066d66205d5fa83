// SqliteFactors: users' second factors (rows and statements:
// codec/mfa_factors.h). Each write refreshes the user's summary columns in
// the same transaction.

#include "store/codec/mfa_factors.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

void SyncUser(Connection& conn, std::string_view user_id) {
  conn.Prepare(codec::kSyncUserMfaColumns).Bind(1, user_id).Run();
}

// Runs an UPDATE or DELETE ... RETURNING user_id; the user, or "" for no row.
std::string RunReturningUser(Stmt& st) {
  if (!st.Step()) return std::string();
  std::string user_id = st.Text(0);
  while (st.Step()) {
  }
  return user_id;
}

}  // namespace

Result<void> SqliteFactors::Create(const core::MfaFactor& f) {
  return db_.Write("factors.create", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertMfaFactor);
    BindRecord(st, codec::BindMfaFactor, f).Run();
    SyncUser(conn, f.user_id);
    return core::Ok();
  });
}

Result<std::vector<core::MfaFactor>> SqliteFactors::ListForUser(std::string_view user_id) {
  return db_.Read("factors.list", [&](Connection& conn) -> Result<std::vector<core::MfaFactor>> {
    std::vector<core::MfaFactor> out;
    Stmt st = conn.Prepare(codec::kSelectMfaFactorsByUser);
    st.Bind(1, user_id);
    while (st.Step()) out.push_back(ReadRecord(st, codec::ReadMfaFactor));
    return out;
  });
}

Result<std::optional<core::MfaFactor>> SqliteFactors::Find(std::string_view id) {
  return db_.Read("factors.find", [&](Connection& conn) -> Result<std::optional<core::MfaFactor>> {
    Stmt st = conn.Prepare(codec::kSelectMfaFactor);
    if (!st.Bind(1, id).Step()) return std::optional<core::MfaFactor>();
    return std::optional<core::MfaFactor>(ReadRecord(st, codec::ReadMfaFactor));
  });
}

Result<bool> SqliteFactors::Update(const core::MfaFactor& f) {
  return db_.Write("factors.update", [&](Connection& conn) -> Result<bool> {
    Stmt st = conn.Prepare(codec::kUpdateMfaFactor);
    BindRecord(st, codec::BindMfaFactorUpdate, f);
    const std::string user_id = RunReturningUser(st);
    if (user_id.empty()) return false;
    SyncUser(conn, user_id);
    return true;
  });
}

Result<bool> SqliteFactors::Delete(std::string_view id) {
  return db_.Write("factors.delete", [&](Connection& conn) -> Result<bool> {
    Stmt st = conn.Prepare(codec::kDeleteMfaFactor);
    st.Bind(1, id);
    const std::string user_id = RunReturningUser(st);
    if (user_id.empty()) return false;
    SyncUser(conn, user_id);
    return true;
  });
}

}  // namespace gh::store::sqlite

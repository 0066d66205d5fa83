// SqlitePasskeys: users' passkeys (rows and statements: codec/passkeys.h).

#include "store/codec/passkeys.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

// Steps an ... RETURNING statement to its end; whether it returned a row.
bool ReturnedRow(Stmt& st) {
  bool any = false;
  while (st.Step()) any = true;
  return any;
}

}  // namespace

Result<bool> SqlitePasskeys::Create(const core::WebauthnCredential& c) {
  return db_.Write("passkeys.create", [&](Connection& conn) -> Result<bool> {
    Stmt st = conn.Prepare(codec::kInsertPasskey);
    return ReturnedRow(BindRecord(st, codec::BindPasskey, c));
  });
}

Result<std::optional<core::WebauthnCredential>> SqlitePasskeys::FindByCredentialId(
    std::string_view credential_id) {
  using Found = std::optional<core::WebauthnCredential>;
  return db_.Read("passkeys.find", [&](Connection& conn) -> Result<Found> {
    Stmt st = conn.Prepare(codec::kSelectPasskeyByCredentialId);
    if (!st.Bind(1, credential_id).Step()) return Found();
    return Found(ReadRecord(st, codec::ReadPasskey));
  });
}

Result<std::vector<core::WebauthnCredential>> SqlitePasskeys::ListForUser(
    std::string_view user_id) {
  using List = std::vector<core::WebauthnCredential>;
  return db_.Read("passkeys.list", [&](Connection& conn) -> Result<List> {
    List out;
    Stmt st = conn.Prepare(codec::kSelectPasskeysByUser);
    st.Bind(1, user_id);
    while (st.Step()) out.push_back(ReadRecord(st, codec::ReadPasskey));
    return out;
  });
}

Result<bool> SqlitePasskeys::RecordUse(std::string_view id, int64_t seen_sign_count,
                                       int64_t new_sign_count, bool backed_up,
                                       core::UnixMillis now) {
  return db_.Write("passkeys.use", [&](Connection& conn) -> Result<bool> {
    Stmt st = conn.Prepare(codec::kRecordPasskeyUse);
    st.Bind(1, new_sign_count).Bind(2, backed_up).Bind(3, now).Bind(4, id).Bind(5, seen_sign_count);
    return ReturnedRow(st);
  });
}

Result<bool> SqlitePasskeys::Delete(std::string_view user_id, std::string_view id) {
  return db_.Write("passkeys.delete", [&](Connection& conn) -> Result<bool> {
    Stmt st = conn.Prepare(codec::kDeletePasskey);
    st.Bind(1, user_id).Bind(2, id);
    return ReturnedRow(st);
  });
}

}  // namespace gh::store::sqlite

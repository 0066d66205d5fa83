// PgPasskeys: users' passkeys (rows and statements: codec/passkeys.h).

#include "store/codec/passkeys.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kInsert(codec::kInsertPasskey);
constexpr PgSql kSelectByCredentialId(codec::kSelectPasskeyByCredentialId);
constexpr PgSql kSelectByUser(codec::kSelectPasskeysByUser);
constexpr PgSql kRecordUse(codec::kRecordPasskeyUse);
constexpr PgSql kDelete(codec::kDeletePasskey);

}  // namespace

Result<bool> PgPasskeys::Create(const core::WebauthnCredential& c) {
  return db_.Single("passkeys.create", [&](Connection& conn) -> Result<bool> {
    return conn.Run(kInsert, BoundParams(codec::BindPasskey, c)).rows() > 0;
  });
}

Result<std::optional<core::WebauthnCredential>> PgPasskeys::FindByCredentialId(
    std::string_view credential_id) {
  using Found = std::optional<core::WebauthnCredential>;
  return db_.Single("passkeys.find", [&](Connection& conn) -> Result<Found> {
    PgResult r = conn.Run(kSelectByCredentialId, Params().Add(credential_id));
    if (r.rows() == 0) return Found();
    return Found(ReadRecord(r, 0, codec::ReadPasskey));
  });
}

Result<std::vector<core::WebauthnCredential>> PgPasskeys::ListForUser(std::string_view user_id) {
  using List = std::vector<core::WebauthnCredential>;
  return db_.Single("passkeys.list", [&](Connection& conn) -> Result<List> {
    PgResult r = conn.Run(kSelectByUser, Params().Add(user_id));
    List out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadRecord(r, i, codec::ReadPasskey));
    return out;
  });
}

Result<bool> PgPasskeys::RecordUse(std::string_view id, int64_t seen_sign_count,
                                   int64_t new_sign_count, bool backed_up, core::UnixMillis now) {
  return db_.Single("passkeys.use", [&](Connection& conn) -> Result<bool> {
    return conn.Run(kRecordUse, Params()
                                    .Add(new_sign_count)
                                    .Add(backed_up)
                                    .Add(now)
                                    .Add(id)
                                    .Add(seen_sign_count))
               .rows() > 0;
  });
}

Result<bool> PgPasskeys::Delete(std::string_view user_id, std::string_view id) {
  return db_.Single("passkeys.delete", [&](Connection& conn) -> Result<bool> {
    return conn.Run(kDelete, Params().Add(user_id).Add(id)).rows() > 0;
  });
}

}  // namespace gh::store::postgres

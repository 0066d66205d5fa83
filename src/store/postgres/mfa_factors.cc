// PgFactors: users' second factors (rows and statements:
// codec/mfa_factors.h). Each write refreshes the user's summary columns in
// the same transaction.

#include "store/codec/mfa_factors.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kInsert(codec::kInsertMfaFactor);
constexpr PgSql kSelect(codec::kSelectMfaFactor);
constexpr PgSql kSelectByUser(codec::kSelectMfaFactorsByUser);
constexpr PgSql kUpdate(codec::kUpdateMfaFactor);
constexpr PgSql kDelete(codec::kDeleteMfaFactor);
constexpr PgSql kSyncUser(codec::kSyncUserMfaColumns);

// After an UPDATE or DELETE ... RETURNING user_id: refreshes that user's
// summary; false when no row matched.
bool SyncReturnedUser(Connection& conn, const PgResult& r) {
  if (r.rows() == 0) return false;
  conn.Run(kSyncUser, Params().Add(r.Text(0, 0)));
  return true;
}

}  // namespace

Result<void> PgFactors::Create(const core::MfaFactor& f) {
  return db_.Transaction("factors.create", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsert, BoundParams(codec::BindMfaFactor, f));
    conn.Run(kSyncUser, Params().Add(f.user_id));
    return core::Ok();
  });
}

Result<std::vector<core::MfaFactor>> PgFactors::ListForUser(std::string_view user_id) {
  return db_.Single("factors.list", [&](Connection& conn) -> Result<std::vector<core::MfaFactor>> {
    PgResult r = conn.Run(kSelectByUser, Params().Add(user_id));
    std::vector<core::MfaFactor> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadRecord(r, i, codec::ReadMfaFactor));
    return out;
  });
}

Result<std::optional<core::MfaFactor>> PgFactors::Find(std::string_view id) {
  return db_.Single("factors.find",
                    [&](Connection& conn) -> Result<std::optional<core::MfaFactor>> {
                      PgResult r = conn.Run(kSelect, Params().Add(id));
                      if (r.rows() == 0) return std::optional<core::MfaFactor>();
                      return std::optional<core::MfaFactor>(ReadRecord(r, 0, codec::ReadMfaFactor));
                    });
}

Result<bool> PgFactors::Update(const core::MfaFactor& f) {
  return db_.Transaction("factors.update", [&](Connection& conn) -> Result<bool> {
    return SyncReturnedUser(conn, conn.Run(kUpdate, BoundParams(codec::BindMfaFactorUpdate, f)));
  });
}

Result<bool> PgFactors::Delete(std::string_view id) {
  return db_.Transaction("factors.delete", [&](Connection& conn) -> Result<bool> {
    return SyncReturnedUser(conn, conn.Run(kDelete, Params().Add(id)));
  });
}

}  // namespace gh::store::postgres

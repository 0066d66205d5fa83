// SqliteIdentities: sign-in identities linked at OAuth / OIDC providers (rows
// and statements: codec/identities.h).

#include "store/codec/identities.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

Result<void> SqliteIdentities::Create(const core::Identity& i) {
  return db_.Write("identities.create", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertIdentity);
    BindRecord(st, codec::BindIdentity, i).Run();
    return core::Ok();
  });
}

Result<std::optional<core::Identity>> SqliteIdentities::Find(std::string_view provider,
                                                             std::string_view provider_user_id) {
  return db_.Read("identities.find",
                  [&](Connection& conn) -> Result<std::optional<core::Identity>> {
                    Stmt st = conn.Prepare(codec::kSelectIdentityByProvider);
                    if (!st.Bind(1, provider).Bind(2, provider_user_id).Step()) {
                      return std::optional<core::Identity>();
                    }
                    return std::optional<core::Identity>(ReadRecord(st, codec::ReadIdentity));
                  });
}

Result<std::vector<core::Identity>> SqliteIdentities::ListForUser(std::string_view user_id) {
  return db_.Read("identities.list", [&](Connection& conn) -> Result<std::vector<core::Identity>> {
    std::vector<core::Identity> out;
    Stmt st = conn.Prepare(codec::kSelectIdentitiesByUser);
    st.Bind(1, user_id);
    while (st.Step()) out.push_back(ReadRecord(st, codec::ReadIdentity));
    return out;
  });
}

Result<void> SqliteIdentities::Delete(std::string_view id) {
  return db_.Write("identities.delete", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kDeleteIdentity).Bind(1, id).Run();
    return core::Ok();
  });
}

Result<void> SqliteIdentities::Update(const core::Identity& i) {
  return db_.Write("identities.update", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kUpdateIdentity);
    BindRecord(st, codec::BindIdentityUpdate, i).Run();
    return core::Ok();
  });
}

Result<int> SqliteIdentities::DeleteForUser(std::string_view user_id, std::string_view provider) {
  return db_.Write("identities.delete_for_user", [&](Connection& conn) -> Result<int> {
    return conn.Prepare(codec::kDeleteIdentitiesForUser).Bind(1, user_id).Bind(2, provider).Run();
  });
}

}  // namespace gh::store::sqlite

// PgIdentities: sign-in identities linked at OAuth / OIDC providers (rows and
// statements: codec/identities.h).

#include "store/codec/identities.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kInsert(codec::kInsertIdentity);
constexpr PgSql kSelectByProvider(codec::kSelectIdentityByProvider);
constexpr PgSql kSelectByUser(codec::kSelectIdentitiesByUser);
constexpr PgSql kDelete(codec::kDeleteIdentity);
constexpr PgSql kDeleteForUser(codec::kDeleteIdentitiesForUser);
constexpr PgSql kUpdate(codec::kUpdateIdentity);

}  // namespace

Result<void> PgIdentities::Create(const core::Identity& i) {
  return db_.Single("identities.create", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsert, BoundParams(codec::BindIdentity, i));
    return core::Ok();
  });
}

Result<std::optional<core::Identity>> PgIdentities::Find(std::string_view provider,
                                                         std::string_view provider_user_id) {
  return db_.Single(
      "identities.find", [&](Connection& conn) -> Result<std::optional<core::Identity>> {
        PgResult r = conn.Run(kSelectByProvider, Params().Add(provider).Add(provider_user_id));
        if (r.rows() == 0) return std::optional<core::Identity>();
        return std::optional<core::Identity>(ReadRecord(r, 0, codec::ReadIdentity));
      });
}

Result<std::vector<core::Identity>> PgIdentities::ListForUser(std::string_view user_id) {
  return db_.Single("identities.list",
                    [&](Connection& conn) -> Result<std::vector<core::Identity>> {
                      PgResult r = conn.Run(kSelectByUser, Params().Add(user_id));
                      std::vector<core::Identity> out;
                      for (int i = 0; i < r.rows(); ++i) {
                        out.push_back(ReadRecord(r, i, codec::ReadIdentity));
                      }
                      return out;
                    });
}

Result<void> PgIdentities::Delete(std::string_view id) {
  return db_.Single("identities.delete", [&](Connection& conn) -> Result<void> {
    conn.Run(kDelete, Params().Add(id));
    return core::Ok();
  });
}

Result<void> PgIdentities::Update(const core::Identity& i) {
  return db_.Single("identities.update", [&](Connection& conn) -> Result<void> {
    conn.Run(kUpdate, BoundParams(codec::BindIdentityUpdate, i));
    return core::Ok();
  });
}

Result<int> PgIdentities::DeleteForUser(std::string_view user_id, std::string_view provider) {
  return db_.Single("identities.delete_for_user", [&](Connection& conn) -> Result<int> {
    return conn.Run(kDeleteForUser, Params().Add(user_id).Add(provider)).affected();
  });
}

}  // namespace gh::store::postgres

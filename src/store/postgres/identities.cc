// PgIdentities: sign-in identities linked at OAuth / OIDC providers.

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

#define GH_IDENTITY_COLUMNS                                                       \
  "id, user_id, provider, provider_user_id, email, data, created_at, updated_at, " \
  "access_token_encrypted, refresh_token_encrypted"

constexpr const char* kSelectByProvider = "SELECT " GH_IDENTITY_COLUMNS
                                          " FROM identities WHERE provider = $1 AND "
                                          "provider_user_id = $2";
constexpr const char* kSelectByUser =
    "SELECT " GH_IDENTITY_COLUMNS " FROM identities WHERE user_id = $1 ORDER BY created_at, id";
constexpr const char* kInsert =
    "INSERT INTO identities (" GH_IDENTITY_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

#undef GH_IDENTITY_COLUMNS

core::Identity ReadIdentity(const PgResult& r, int row) {
  core::Identity i;
  i.id = r.Text(row, 0);
  i.user_id = r.Text(row, 1);
  i.provider = r.Text(row, 2);
  i.provider_user_id = r.Text(row, 3);
  i.email = r.OptText(row, 4);
  i.data_json = r.Text(row, 5);
  i.created_at = r.Int(row, 6);
  i.updated_at = r.Int(row, 7);
  i.access_token_encrypted = r.Text(row, 8);
  i.refresh_token_encrypted = r.Text(row, 9);
  return i;
}

}  // namespace

Result<void> PgIdentities::Create(const core::Identity& i) {
  return db_.Single("identities.create", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsert, Params()
                          .Add(i.id)
                          .Add(i.user_id)
                          .Add(i.provider)
                          .Add(i.provider_user_id)
                          .Add(i.email)
                          .Add(i.data_json)
                          .Add(i.created_at)
                          .Add(i.updated_at)
                          .Add(i.access_token_encrypted)
                          .Add(i.refresh_token_encrypted));
    return core::Ok();
  });
}

Result<std::optional<core::Identity>> PgIdentities::Find(std::string_view provider,
                                                         std::string_view provider_user_id) {
  return db_.Single(
      "identities.find", [&](Connection& conn) -> Result<std::optional<core::Identity>> {
        PgResult r = conn.Run(kSelectByProvider, Params().Add(provider).Add(provider_user_id));
        if (r.rows() == 0) return std::optional<core::Identity>();
        return std::optional<core::Identity>(ReadIdentity(r, 0));
      });
}

Result<std::vector<core::Identity>> PgIdentities::ListForUser(std::string_view user_id) {
  return db_.Single("identities.list",
                    [&](Connection& conn) -> Result<std::vector<core::Identity>> {
                      PgResult r = conn.Run(kSelectByUser, Params().Add(user_id));
                      std::vector<core::Identity> out;
                      for (int i = 0; i < r.rows(); ++i) out.push_back(ReadIdentity(r, i));
                      return out;
                    });
}

Result<void> PgIdentities::Delete(std::string_view id) {
  return db_.Single("identities.delete", [&](Connection& conn) -> Result<void> {
    conn.Run("DELETE FROM identities WHERE id = $1", Params().Add(id));
    return core::Ok();
  });
}

Result<void> PgIdentities::Update(const core::Identity& i) {
  return db_.Single("identities.update", [&](Connection& conn) -> Result<void> {
    conn.Run(
        "UPDATE identities SET email = $1, data = $2, updated_at = $3, "
        "access_token_encrypted = $4, refresh_token_encrypted = $5 WHERE id = $6",
        Params()
            .Add(i.email)
            .Add(i.data_json)
            .Add(i.updated_at)
            .Add(i.access_token_encrypted)
            .Add(i.refresh_token_encrypted)
            .Add(i.id));
    return core::Ok();
  });
}

Result<int> PgIdentities::DeleteForUser(std::string_view user_id, std::string_view provider) {
  return db_.Single("identities.delete_for_user", [&](Connection& conn) -> Result<int> {
    return conn
        .Run("DELETE FROM identities WHERE user_id = $1 AND provider = $2",
             Params().Add(user_id).Add(provider))
        .affected();
  });
}

}  // namespace gh::store::postgres

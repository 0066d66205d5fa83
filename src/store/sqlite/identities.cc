// SqliteIdentities: sign-in identities linked at OAuth / OIDC providers.

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

#define GH_IDENTITY_COLUMNS                                                       \
  "id, user_id, provider, provider_user_id, email, data, created_at, updated_at, " \
  "access_token_encrypted, refresh_token_encrypted"

constexpr const char* kSelectByProvider = "SELECT " GH_IDENTITY_COLUMNS
                                          " FROM identities WHERE provider = ? AND "
                                          "provider_user_id = ?";
constexpr const char* kSelectByUser =
    "SELECT " GH_IDENTITY_COLUMNS " FROM identities WHERE user_id = ? ORDER BY created_at, id";
constexpr const char* kInsert =
    "INSERT INTO identities (" GH_IDENTITY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

#undef GH_IDENTITY_COLUMNS

core::Identity ReadIdentity(const Stmt& st) {
  core::Identity i;
  i.id = st.Text(0);
  i.user_id = st.Text(1);
  i.provider = st.Text(2);
  i.provider_user_id = st.Text(3);
  i.email = st.OptText(4);
  i.data_json = st.Text(5);
  i.created_at = st.Int(6);
  i.updated_at = st.Int(7);
  i.access_token_encrypted = st.Text(8);
  i.refresh_token_encrypted = st.Text(9);
  return i;
}

}  // namespace

Result<void> SqliteIdentities::Create(const core::Identity& i) {
  return db_.Write("identities.create", [&](Connection& conn) -> Result<void> {
    conn.Prepare(kInsert)
        .Bind(1, i.id)
        .Bind(2, i.user_id)
        .Bind(3, i.provider)
        .Bind(4, i.provider_user_id)
        .Bind(5, i.email)
        .Bind(6, i.data_json)
        .Bind(7, i.created_at)
        .Bind(8, i.updated_at)
        .Bind(9, i.access_token_encrypted)
        .Bind(10, i.refresh_token_encrypted)
        .Run();
    return core::Ok();
  });
}

Result<std::optional<core::Identity>> SqliteIdentities::Find(std::string_view provider,
                                                             std::string_view provider_user_id) {
  return db_.Read("identities.find",
                  [&](Connection& conn) -> Result<std::optional<core::Identity>> {
                    Stmt st = conn.Prepare(kSelectByProvider);
                    if (!st.Bind(1, provider).Bind(2, provider_user_id).Step()) {
                      return std::optional<core::Identity>();
                    }
                    return std::optional<core::Identity>(ReadIdentity(st));
                  });
}

Result<std::vector<core::Identity>> SqliteIdentities::ListForUser(std::string_view user_id) {
  return db_.Read("identities.list", [&](Connection& conn) -> Result<std::vector<core::Identity>> {
    std::vector<core::Identity> out;
    Stmt st = conn.Prepare(kSelectByUser);
    st.Bind(1, user_id);
    while (st.Step()) out.push_back(ReadIdentity(st));
    return out;
  });
}

Result<void> SqliteIdentities::Delete(std::string_view id) {
  return db_.Write("identities.delete", [&](Connection& conn) -> Result<void> {
    conn.Prepare("DELETE FROM identities WHERE id = ?").Bind(1, id).Run();
    return core::Ok();
  });
}

Result<void> SqliteIdentities::Update(const core::Identity& i) {
  return db_.Write("identities.update", [&](Connection& conn) -> Result<void> {
    conn.Prepare(
            "UPDATE identities SET email = ?, data = ?, updated_at = ?, "
            "access_token_encrypted = ?, refresh_token_encrypted = ? WHERE id = ?")
        .Bind(1, i.email)
        .Bind(2, i.data_json)
        .Bind(3, i.updated_at)
        .Bind(4, i.access_token_encrypted)
        .Bind(5, i.refresh_token_encrypted)
        .Bind(6, i.id)
        .Run();
    return core::Ok();
  });
}

Result<int> SqliteIdentities::DeleteForUser(std::string_view user_id, std::string_view provider) {
  return db_.Write("identities.delete_for_user", [&](Connection& conn) -> Result<int> {
    return conn.Prepare("DELETE FROM identities WHERE user_id = ? AND provider = ?")
        .Bind(1, user_id)
        .Bind(2, provider)
        .Run();
  });
}

}  // namespace gh::store::sqlite

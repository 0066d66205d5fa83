// SqliteOAuthState: OAuth requests in flight and one-time grant codes. Both
// are taken with DELETE ... RETURNING, so a replayed state or code finds nothing.

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

#define GH_REQUEST_COLUMNS                                                              \
  "state_hash, provider, code_verifier, nonce, redirect_to, options, connect_user_id, " \
  "created_at, expires_at"
#define GH_GRANT_COLUMNS "code_hash, user_id, amr, provider, created_at, expires_at"

constexpr const char* kInsertRequest =
    "INSERT INTO oauth_requests (" GH_REQUEST_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kTakeRequest =
    "DELETE FROM oauth_requests WHERE state_hash = ? RETURNING " GH_REQUEST_COLUMNS;
constexpr const char* kInsertGrant =
    "INSERT INTO oauth_grants (" GH_GRANT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kTakeGrant =
    "DELETE FROM oauth_grants WHERE code_hash = ? RETURNING " GH_GRANT_COLUMNS;

#undef GH_REQUEST_COLUMNS
#undef GH_GRANT_COLUMNS

}  // namespace

Result<void> SqliteOAuthState::InsertRequest(const OAuthRequest& r) {
  return db_.Write("oauth.insert_request", [&](Connection& conn) -> Result<void> {
    conn.Prepare(kInsertRequest)
        .Bind(1, r.state_hash)
        .Bind(2, r.provider)
        .Bind(3, r.code_verifier)
        .Bind(4, r.nonce)
        .Bind(5, r.redirect_to)
        .Bind(6, r.options_json)
        .Bind(7, r.connect_user_id)
        .Bind(8, r.created_at)
        .Bind(9, r.expires_at)
        .Run();
    return core::Ok();
  });
}

Result<std::optional<OAuthRequest>> SqliteOAuthState::TakeRequest(std::string_view state_hash,
                                                                  core::UnixMillis now) {
  return db_.Write("oauth.take_request",
                   [&](Connection& conn) -> Result<std::optional<OAuthRequest>> {
                     Stmt st = conn.Prepare(kTakeRequest);
                     if (!st.Bind(1, state_hash).Step()) return std::optional<OAuthRequest>();
                     OAuthRequest r;
                     r.state_hash = st.Text(0);
                     r.provider = st.Text(1);
                     r.code_verifier = st.Text(2);
                     r.nonce = st.Text(3);
                     r.redirect_to = st.Text(4);
                     r.options_json = st.Text(5);
                     r.connect_user_id = st.OptText(6);
                     r.created_at = st.Int(7);
                     r.expires_at = st.Int(8);
                     // RETURNING rows must be stepped to the end before the change is complete.
                     while (st.Step()) {
                     }
                     if (r.expires_at <= now) return std::optional<OAuthRequest>();
                     return std::optional<OAuthRequest>(std::move(r));
                   });
}

Result<void> SqliteOAuthState::InsertGrant(const OAuthGrant& g) {
  return db_.Write("oauth.insert_grant", [&](Connection& conn) -> Result<void> {
    conn.Prepare(kInsertGrant)
        .Bind(1, g.code_hash)
        .Bind(2, g.user_id)
        .Bind(3, g.amr)
        .Bind(4, g.provider)
        .Bind(5, g.created_at)
        .Bind(6, g.expires_at)
        .Run();
    return core::Ok();
  });
}

Result<std::optional<OAuthGrant>> SqliteOAuthState::TakeGrant(std::string_view code_hash,
                                                              core::UnixMillis now) {
  return db_.Write("oauth.take_grant", [&](Connection& conn) -> Result<std::optional<OAuthGrant>> {
    Stmt st = conn.Prepare(kTakeGrant);
    if (!st.Bind(1, code_hash).Step()) return std::optional<OAuthGrant>();
    OAuthGrant g;
    g.code_hash = st.Text(0);
    g.user_id = st.Text(1);
    g.amr = st.Text(2);
    g.provider = st.Text(3);
    g.created_at = st.Int(4);
    g.expires_at = st.Int(5);
    while (st.Step()) {
    }
    if (g.expires_at <= now) return std::optional<OAuthGrant>();
    return std::optional<OAuthGrant>(std::move(g));
  });
}

Result<int> SqliteOAuthState::Purge(core::UnixMillis before) {
  return db_.Write("oauth.purge", [&](Connection& conn) -> Result<int> {
    int n = conn.Prepare("DELETE FROM oauth_requests WHERE expires_at < ?").Bind(1, before).Run();
    n += conn.Prepare("DELETE FROM oauth_grants WHERE expires_at < ?").Bind(1, before).Run();
    return n;
  });
}

}  // namespace gh::store::sqlite

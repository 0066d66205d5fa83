// PgOAuthState: OAuth requests in flight and one-time grant codes. Both are
// taken with DELETE ... RETURNING: of callers racing on one row, the second
// waits for the first one's row lock and then deletes nothing.

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

#define GH_REQUEST_COLUMNS                                                              \
  "state_hash, provider, code_verifier, nonce, redirect_to, options, connect_user_id, " \
  "created_at, expires_at"
#define GH_GRANT_COLUMNS "code_hash, user_id, amr, provider, created_at, expires_at"

constexpr const char* kInsertRequest = "INSERT INTO oauth_requests (" GH_REQUEST_COLUMNS
                                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
constexpr const char* kTakeRequest =
    "DELETE FROM oauth_requests WHERE state_hash = $1 RETURNING " GH_REQUEST_COLUMNS;
constexpr const char* kInsertGrant =
    "INSERT INTO oauth_grants (" GH_GRANT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6)";
constexpr const char* kTakeGrant =
    "DELETE FROM oauth_grants WHERE code_hash = $1 RETURNING " GH_GRANT_COLUMNS;

#undef GH_REQUEST_COLUMNS
#undef GH_GRANT_COLUMNS

}  // namespace

Result<void> PgOAuthState::InsertRequest(const OAuthRequest& r) {
  return db_.Single("oauth.insert_request", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsertRequest, Params()
                                 .Add(r.state_hash)
                                 .Add(r.provider)
                                 .Add(r.code_verifier)
                                 .Add(r.nonce)
                                 .Add(r.redirect_to)
                                 .Add(r.options_json)
                                 .Add(r.connect_user_id)
                                 .Add(r.created_at)
                                 .Add(r.expires_at));
    return core::Ok();
  });
}

Result<std::optional<OAuthRequest>> PgOAuthState::TakeRequest(std::string_view state_hash,
                                                              core::UnixMillis now) {
  return db_.Single("oauth.take_request",
                    [&](Connection& conn) -> Result<std::optional<OAuthRequest>> {
                      PgResult res = conn.Run(kTakeRequest, Params().Add(state_hash));
                      if (res.rows() == 0) return std::optional<OAuthRequest>();
                      OAuthRequest r;
                      r.state_hash = res.Text(0, 0);
                      r.provider = res.Text(0, 1);
                      r.code_verifier = res.Text(0, 2);
                      r.nonce = res.Text(0, 3);
                      r.redirect_to = res.Text(0, 4);
                      r.options_json = res.Text(0, 5);
                      r.connect_user_id = res.OptText(0, 6);
                      r.created_at = res.Int(0, 7);
                      r.expires_at = res.Int(0, 8);
                      if (r.expires_at <= now) return std::optional<OAuthRequest>();
                      return std::optional<OAuthRequest>(std::move(r));
                    });
}

Result<void> PgOAuthState::InsertGrant(const OAuthGrant& g) {
  return db_.Single("oauth.insert_grant", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsertGrant, Params()
                               .Add(g.code_hash)
                               .Add(g.user_id)
                               .Add(g.amr)
                               .Add(g.provider)
                               .Add(g.created_at)
                               .Add(g.expires_at));
    return core::Ok();
  });
}

Result<std::optional<OAuthGrant>> PgOAuthState::TakeGrant(std::string_view code_hash,
                                                          core::UnixMillis now) {
  return db_.Single("oauth.take_grant", [&](Connection& conn) -> Result<std::optional<OAuthGrant>> {
    PgResult res = conn.Run(kTakeGrant, Params().Add(code_hash));
    if (res.rows() == 0) return std::optional<OAuthGrant>();
    OAuthGrant g;
    g.code_hash = res.Text(0, 0);
    g.user_id = res.Text(0, 1);
    g.amr = res.Text(0, 2);
    g.provider = res.Text(0, 3);
    g.created_at = res.Int(0, 4);
    g.expires_at = res.Int(0, 5);
    if (g.expires_at <= now) return std::optional<OAuthGrant>();
    return std::optional<OAuthGrant>(std::move(g));
  });
}

Result<int> PgOAuthState::Purge(core::UnixMillis before) {
  return db_.Single("oauth.purge", [&](Connection& conn) -> Result<int> {
    int n = conn.Run("DELETE FROM oauth_requests WHERE expires_at < $1", Params().Add(before))
                .affected();
    n +=
        conn.Run("DELETE FROM oauth_grants WHERE expires_at < $1", Params().Add(before)).affected();
    return n;
  });
}

}  // namespace gh::store::postgres

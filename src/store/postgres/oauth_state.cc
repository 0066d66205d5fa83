// PgOAuthState: OAuth requests in flight and one-time grant codes (rows and
// statements: codec/oauth_state.h). Of callers racing to take one row, the
// second waits for the first one's row lock and then deletes nothing.

#include "store/codec/oauth_state.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kInsertRequest(codec::kInsertOAuthRequest);
constexpr PgSql kTakeRequest(codec::kTakeOAuthRequest);
constexpr PgSql kInsertGrant(codec::kInsertOAuthGrant);
constexpr PgSql kTakeGrant(codec::kTakeOAuthGrant);
constexpr PgSql kPurgeRequests(codec::kPurgeOAuthRequests);
constexpr PgSql kPurgeGrants(codec::kPurgeOAuthGrants);

// Runs a DELETE ... RETURNING take of one row keyed by `key`; nullopt when
// there is none or it had expired by `now` (it is deleted either way).
template <typename Row, typename Read>
Result<std::optional<Row>> Take(Db& db, const char* what, const char* sql, std::string_view key,
                                core::UnixMillis now, Read read) {
  return db.Single(what, [&](Connection& conn) -> Result<std::optional<Row>> {
    PgResult res = conn.Run(sql, Params().Add(key));
    if (res.rows() == 0) return std::optional<Row>();
    Row row = ReadRecord(res, 0, read);
    if (row.expires_at <= now) return std::optional<Row>();
    return std::optional<Row>(std::move(row));
  });
}

}  // namespace

Result<void> PgOAuthState::InsertRequest(const OAuthRequest& r) {
  return db_.Single("oauth.insert_request", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsertRequest, BoundParams(codec::BindOAuthRequest, r));
    return core::Ok();
  });
}

Result<std::optional<OAuthRequest>> PgOAuthState::TakeRequest(std::string_view state_hash,
                                                              core::UnixMillis now) {
  return Take<OAuthRequest>(db_, "oauth.take_request", kTakeRequest, state_hash, now,
                            codec::ReadOAuthRequest);
}

Result<void> PgOAuthState::InsertGrant(const OAuthGrant& g) {
  return db_.Single("oauth.insert_grant", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsertGrant, BoundParams(codec::BindOAuthGrant, g));
    return core::Ok();
  });
}

Result<std::optional<OAuthGrant>> PgOAuthState::TakeGrant(std::string_view code_hash,
                                                          core::UnixMillis now) {
  return Take<OAuthGrant>(db_, "oauth.take_grant", kTakeGrant, code_hash, now,
                          codec::ReadOAuthGrant);
}

Result<int> PgOAuthState::Purge(core::UnixMillis before) {
  return db_.Single("oauth.purge", [&](Connection& conn) -> Result<int> {
    int n = conn.Run(kPurgeRequests, Params().Add(before)).affected();
    n += conn.Run(kPurgeGrants, Params().Add(before)).affected();
    return n;
  });
}

}  // namespace gh::store::postgres

// SqliteOAuthState: OAuth requests in flight and one-time grant codes (rows and
// statements: codec/oauth_state.h).

#include "store/codec/oauth_state.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

// Runs a DELETE ... RETURNING take of one row keyed by `key`; nullopt when
// there is none or it had expired by `now` (it is deleted either way).
template <typename Row, typename Read>
Result<std::optional<Row>> Take(Db& db, const char* what, const char* sql, std::string_view key,
                                core::UnixMillis now, Read read) {
  return db.Write(what, [&](Connection& conn) -> Result<std::optional<Row>> {
    Stmt st = conn.Prepare(sql);
    if (!st.Bind(1, key).Step()) return std::optional<Row>();
    Row row = ReadRecord(st, read);
    // RETURNING rows must be stepped to the end before the change is complete.
    while (st.Step()) {
    }
    if (row.expires_at <= now) return std::optional<Row>();
    return std::optional<Row>(std::move(row));
  });
}

}  // namespace

Result<void> SqliteOAuthState::InsertRequest(const OAuthRequest& r) {
  return db_.Write("oauth.insert_request", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertOAuthRequest);
    BindRecord(st, codec::BindOAuthRequest, r).Run();
    return core::Ok();
  });
}

Result<std::optional<OAuthRequest>> SqliteOAuthState::TakeRequest(std::string_view state_hash,
                                                                  core::UnixMillis now) {
  return Take<OAuthRequest>(db_, "oauth.take_request", codec::kTakeOAuthRequest, state_hash, now,
                            codec::ReadOAuthRequest);
}

Result<void> SqliteOAuthState::InsertGrant(const OAuthGrant& g) {
  return db_.Write("oauth.insert_grant", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertOAuthGrant);
    BindRecord(st, codec::BindOAuthGrant, g).Run();
    return core::Ok();
  });
}

Result<std::optional<OAuthGrant>> SqliteOAuthState::TakeGrant(std::string_view code_hash,
                                                              core::UnixMillis now) {
  return Take<OAuthGrant>(db_, "oauth.take_grant", codec::kTakeOAuthGrant, code_hash, now,
                          codec::ReadOAuthGrant);
}

Result<int> SqliteOAuthState::Purge(core::UnixMillis before) {
  return db_.Write("oauth.purge", [&](Connection& conn) -> Result<int> {
    int n = conn.Prepare(codec::kPurgeOAuthRequests).Bind(1, before).Run();
    n += conn.Prepare(codec::kPurgeOAuthGrants).Bind(1, before).Run();
    return n;
  });
}

}  // namespace gh::store::sqlite

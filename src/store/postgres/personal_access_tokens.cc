// PgPats: users' personal access tokens, stored as SHA-256 only (rows and
// statements: codec/personal_access_tokens.h).

#include "store/codec/personal_access_tokens.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kInsert(codec::kInsertPat);
constexpr PgSql kSelectByHash(codec::kSelectPatByHash);
constexpr PgSql kSelectByUser(codec::kSelectPatsByUser);
constexpr PgSql kRevokeSessions(codec::kRevokePatSessions);
constexpr PgSql kDelete(codec::kDeletePat);
constexpr PgSql kMarkUsed(codec::kMarkPatUsed);
constexpr PgSql kLinkSession(codec::kLinkPatSession);
// Taken first by Revoke: a sign-in with the token (which updates the same row
// in RecordSignIn) either committed its session link before, and is ended
// with the others, or waits and then finds the token gone.
constexpr char kLockOwned[] =
    "SELECT id FROM personal_access_tokens WHERE id = $1 AND user_id = $2 FOR UPDATE";
constexpr PgSql kPurge(codec::kPurgePats);

}  // namespace

Result<void> PgPats::Create(const core::PersonalAccessToken& t) {
  return db_.Single("pats.create", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsert, BoundParams(codec::BindPat, t));
    return core::Ok();
  });
}

Result<std::optional<core::PersonalAccessToken>> PgPats::FindByHash(std::string_view hash) {
  return db_.Single(
      "pats.find", [&](Connection& conn) -> Result<std::optional<core::PersonalAccessToken>> {
        PgResult r = conn.Run(kSelectByHash, Params().Add(hash));
        if (r.rows() == 0) return std::optional<core::PersonalAccessToken>();
        return std::optional<core::PersonalAccessToken>(ReadRecord(r, 0, codec::ReadPat));
      });
}

Result<std::vector<core::PersonalAccessToken>> PgPats::ListForUser(std::string_view user_id) {
  return db_.Single("pats.list",
                    [&](Connection& conn) -> Result<std::vector<core::PersonalAccessToken>> {
                      PgResult r = conn.Run(kSelectByUser, Params().Add(user_id));
                      std::vector<core::PersonalAccessToken> out;
                      for (int i = 0; i < r.rows(); ++i)
                        out.push_back(ReadRecord(r, i, codec::ReadPat));
                      return out;
                    });
}

Result<bool> PgPats::Revoke(std::string_view id, std::string_view user_id, core::UnixMillis now) {
  return db_.Transaction("pats.revoke", [&](Connection& conn) -> Result<bool> {
    if (conn.Run(kLockOwned, Params().Add(id).Add(user_id)).rows() == 0) return false;
    conn.Run(kRevokeSessions, Params().Add(now).Add(id).Add(user_id));
    return conn.Run(kDelete, Params().Add(id).Add(user_id)).affected() == 1;
  });
}

Result<bool> PgPats::RecordSignIn(std::string_view id, std::string_view session_id,
                                  core::UnixMillis now) {
  return db_.Transaction("pats.record_signin", [&](Connection& conn) -> Result<bool> {
    if (conn.Run(kMarkUsed, Params().Add(now).Add(id)).affected() != 1) return false;
    conn.Run(kLinkSession, Params().Add(id).Add(session_id));
    return true;
  });
}

Result<int> PgPats::Purge(core::UnixMillis before) {
  return db_.Single("pats.purge", [&](Connection& conn) -> Result<int> {
    return conn.Run(kPurge, Params().Add(before)).affected();
  });
}

}  // namespace gh::store::postgres

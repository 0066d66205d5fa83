// SqlitePats: users' personal access tokens, stored as SHA-256 only (rows and
// statements: codec/personal_access_tokens.h).

#include "store/codec/personal_access_tokens.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

Result<void> SqlitePats::Create(const core::PersonalAccessToken& t) {
  return db_.Write("pats.create", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertPat);
    BindRecord(st, codec::BindPat, t).Run();
    return core::Ok();
  });
}

Result<std::optional<core::PersonalAccessToken>> SqlitePats::FindByHash(std::string_view hash) {
  return db_.Read("pats.find",
                  [&](Connection& conn) -> Result<std::optional<core::PersonalAccessToken>> {
                    Stmt st = conn.Prepare(codec::kSelectPatByHash);
                    if (!st.Bind(1, hash).Step()) return std::optional<core::PersonalAccessToken>();
                    return std::optional<core::PersonalAccessToken>(ReadRecord(st, codec::ReadPat));
                  });
}

Result<std::vector<core::PersonalAccessToken>> SqlitePats::ListForUser(std::string_view user_id) {
  return db_.Read("pats.list",
                  [&](Connection& conn) -> Result<std::vector<core::PersonalAccessToken>> {
                    std::vector<core::PersonalAccessToken> out;
                    Stmt st = conn.Prepare(codec::kSelectPatsByUser);
                    st.Bind(1, user_id);
                    while (st.Step()) out.push_back(ReadRecord(st, codec::ReadPat));
                    return out;
                  });
}

Result<bool> SqlitePats::Revoke(std::string_view id, std::string_view user_id,
                                core::UnixMillis now) {
  // Writes are serialised: no sign-in can link a session between the two.
  return db_.Write("pats.revoke", [&](Connection& conn) -> Result<bool> {
    conn.Prepare(codec::kRevokePatSessions).Bind(1, now).Bind(2, id).Bind(3, user_id).Run();
    return conn.Prepare(codec::kDeletePat).Bind(1, id).Bind(2, user_id).Run() == 1;
  });
}

Result<bool> SqlitePats::RecordSignIn(std::string_view id, std::string_view session_id,
                                      core::UnixMillis now) {
  return db_.Write("pats.record_signin", [&](Connection& conn) -> Result<bool> {
    if (conn.Prepare(codec::kMarkPatUsed).Bind(1, now).Bind(2, id).Run() != 1) return false;
    conn.Prepare(codec::kLinkPatSession).Bind(1, id).Bind(2, session_id).Run();
    return true;
  });
}

Result<int> SqlitePats::Purge(core::UnixMillis before) {
  return db_.Write("pats.purge", [&](Connection& conn) -> Result<int> {
    return conn.Prepare(codec::kPurgePats).Bind(1, before).Run();
  });
}

}  // namespace gh::store::sqlite

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
constexpr PgSql kDelete(codec::kDeletePat);
constexpr PgSql kMarkUsed(codec::kMarkPatUsed);
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

Result<bool> PgPats::Revoke(std::string_view id, std::string_view user_id) {
  return db_.Single("pats.revoke", [&](Connection& conn) -> Result<bool> {
    return conn.Run(kDelete, Params().Add(id).Add(user_id)).affected() == 1;
  });
}

Result<void> PgPats::MarkUsed(std::string_view id, core::UnixMillis now) {
  return db_.Single("pats.mark_used", [&](Connection& conn) -> Result<void> {
    conn.Run(kMarkUsed, Params().Add(now).Add(id));
    return core::Ok();
  });
}

Result<int> PgPats::Purge(core::UnixMillis before) {
  return db_.Single("pats.purge", [&](Connection& conn) -> Result<int> {
    return conn.Run(kPurge, Params().Add(before)).affected();
  });
}

}  // namespace gh::store::postgres

// PgUsers: the users table plus its allowed roles in user_roles.

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/user_columns.h"

namespace gh::store::postgres {

namespace {

// The roles ride along as an array column, so a lookup is one round trip.
#define GH_SELECT_USER "SELECT " GH_USER_COLUMNS ", " GH_PG_USER_ROLES("users")

constexpr PgSql kInsertUser(codec::kInsertUser);
constexpr PgSql kUpdateUser(codec::kUpdateUser);
constexpr PgSql kDeleteUser(codec::kDeleteUser);
constexpr PgSql kDeleteUserRoles(codec::kDeleteUserRoles);
constexpr PgSql kDeleteAnonymousUsers(codec::kDeleteAnonymousUsers);
constexpr PgSql kMarkSent(codec::kMarkSent);
constexpr PgSql kSelectById(GH_SELECT_USER GH_USERS_BY_ID);
constexpr PgSql kSelectByEmail(GH_SELECT_USER GH_USERS_BY_EMAIL);
constexpr PgSql kSelectByPhone(GH_SELECT_USER GH_USERS_BY_PHONE);
constexpr PgSql kSelectPage(GH_SELECT_USER GH_USERS_PAGE);
constexpr PgSql kSelectByLiveSession(GH_SELECT_USER GH_USERS_BY_LIVE_SESSION);
// A repeated role is kept once, at its first position (ON CONFLICT skips the
// later duplicates of the same statement, which arrive in ordinality order).
constexpr const char* kInsertRoles =
    "INSERT INTO user_roles (user_id, role, position) "
    "SELECT $1, r.role, r.n - 1 FROM unnest($2::text[]) WITH ORDINALITY AS r(role, n) "
    "ORDER BY r.n ON CONFLICT DO NOTHING";

#undef GH_SELECT_USER

void InsertRoles(Connection& conn, const core::User& user) {
  if (user.roles.empty()) return;
  conn.Run(kInsertRoles, Params().Add(user.id).AddTextArray(user.roles));
}

Result<std::optional<core::User>> FindOne(Db& db, const char* sql, std::string_view key) {
  return db.Single("users.find", [&](Connection& conn) -> Result<std::optional<core::User>> {
    PgResult r = conn.Run(sql, Params().Add(key));
    if (r.rows() == 0) return std::optional<core::User>();
    return std::optional<core::User>(ReadUserColumns(r, 0));
  });
}

}  // namespace

Result<void> PgUsers::Create(const core::User& user) {
  return db_.Transaction("users.create", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsertUser, BoundParams(codec::BindUser, user));
    InsertRoles(conn, user);
    return core::Ok();
  });
}

Result<std::optional<core::User>> PgUsers::FindById(std::string_view id) {
  return FindOne(db_, kSelectById, id);
}

Result<std::optional<core::User>> PgUsers::FindByLiveSession(std::string_view session_id,
                                                             core::UnixMillis now) {
  return db_.Single(
      "users.find_by_live_session", [&](Connection& conn) -> Result<std::optional<core::User>> {
        PgResult r = conn.Run(kSelectByLiveSession, Params().Add(session_id).Add(now));
        if (r.rows() == 0) return std::optional<core::User>();
        return std::optional<core::User>(ReadUserColumns(r, 0));
      });
}

Result<std::optional<core::User>> PgUsers::FindByEmail(std::string_view email) {
  return FindOne(db_, kSelectByEmail, email);
}

Result<std::optional<core::User>> PgUsers::FindByPhone(std::string_view e164) {
  return FindOne(db_, kSelectByPhone, e164);
}

Result<void> PgUsers::Update(const core::User& user) {
  return db_.Transaction("users.update", [&](Connection& conn) -> Result<void> {
    if (conn.Run(kUpdateUser, BoundParams(codec::BindUser, user)).affected() == 0) {
      return core::Error(core::errc::kUserNotFound, "User not found");
    }
    conn.Run(kDeleteUserRoles, Params().Add(user.id));
    InsertRoles(conn, user);
    return core::Ok();
  });
}

Result<void> PgUsers::Delete(std::string_view id) {
  return db_.Single("users.delete", [&](Connection& conn) -> Result<void> {
    conn.Run(kDeleteUser, Params().Add(id));
    return core::Ok();
  });
}

Result<int> PgUsers::DeleteAnonymousCreatedBefore(core::UnixMillis before) {
  return db_.Single("users.delete_anonymous", [&](Connection& conn) -> Result<int> {
    return conn.Run(kDeleteAnonymousUsers, Params().Add(before)).affected();
  });
}

Result<std::vector<core::User>> PgUsers::List(std::string_view after_id, int limit) {
  return db_.Single("users.list", [&](Connection& conn) -> Result<std::vector<core::User>> {
    PgResult r = conn.Run(kSelectPage, Params().Add(after_id).Add(limit));
    std::vector<core::User> users;
    users.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) users.push_back(ReadUserColumns(r, i));
    return users;
  });
}

Result<void> PgUsers::MarkSent(std::string_view user_id, core::SentMessage kind,
                               core::UnixMillis at) {
  return db_.Single("users.mark_sent", [&](Connection& conn) -> Result<void> {
    conn.Run(kMarkSent, Params().Add(at).Add(user_id).Add(codec::SentMessageName(kind)));
    return core::Ok();
  });
}

Result<int64_t> PgUsers::Count() {
  return db_.Single("users.count", [](Connection& conn) -> Result<int64_t> {
    return conn.Run(codec::kCountUsers).Int(0, 0);
  });
}

core::User ReadUserColumns(const PgResult& r, int row, int first) {
  ResultRow reader(r, row, first);
  core::User u = codec::ReadUser(reader);
  u.roles = r.TextArray(row, reader.column());
  return u;
}

}  // namespace gh::store::postgres

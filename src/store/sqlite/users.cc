// SqliteUsers: the users table plus its allowed roles in user_roles.

#include "store/codec/users.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

// Statements are cached by the literal's address (see Connection::Prepare);
// the roles are read by a second statement (LoadRoles).
constexpr const char* kSelectById = "SELECT " GH_USER_COLUMNS GH_USERS_BY_ID;
constexpr const char* kSelectByEmail = "SELECT " GH_USER_COLUMNS GH_USERS_BY_EMAIL;
constexpr const char* kSelectByPhone = "SELECT " GH_USER_COLUMNS GH_USERS_BY_PHONE;
constexpr const char* kSelectPage = "SELECT " GH_USER_COLUMNS GH_USERS_PAGE;
constexpr const char* kSelectByLiveSession = "SELECT " GH_USER_COLUMNS GH_USERS_BY_LIVE_SESSION;

core::User ReadUser(const Stmt& st) { return ReadRecord(st, codec::ReadUser); }

void LoadRoles(Connection& conn, core::User& user) {
  Stmt st = conn.Prepare("SELECT role FROM user_roles WHERE user_id = ?1 ORDER BY position");
  st.Bind(1, user.id);
  user.roles.clear();
  while (st.Step()) user.roles.push_back(st.Text(0));
}

void InsertRoles(Connection& conn, const core::User& user) {
  int position = 0;
  for (const std::string& role : user.roles) {
    // A repeated role is kept once, at its first position.
    conn.Prepare(
            "INSERT INTO user_roles (user_id, role, position) VALUES (?1, ?2, ?3) "
            "ON CONFLICT DO NOTHING")
        .Bind(1, user.id)
        .Bind(2, role)
        .Bind(3, position++)
        .Run();
  }
}

// Runs a single-row user query keyed by one text value.
Result<std::optional<core::User>> FindOne(Db& db, const char* sql, std::string_view key) {
  return db.Read("users.find", [&](Connection& conn) -> Result<std::optional<core::User>> {
    std::optional<core::User> user;
    {
      Stmt st = conn.Prepare(sql);
      if (!st.Bind(1, key).Step()) return std::optional<core::User>();
      user = ReadUser(st);
    }
    LoadRoles(conn, *user);
    return user;
  });
}

}  // namespace

Result<void> SqliteUsers::Create(const core::User& user) {
  return db_.Write("users.create", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertUser);
    BindRecord(st, codec::BindUser, user).Run();
    InsertRoles(conn, user);
    return core::Ok();
  });
}

Result<std::optional<core::User>> SqliteUsers::FindById(std::string_view id) {
  return FindOne(db_, kSelectById, id);
}

Result<std::optional<core::User>> SqliteUsers::FindByLiveSession(std::string_view session_id,
                                                                 core::UnixMillis now) {
  return db_.Read("users.find_by_live_session",
                  [&](Connection& conn) -> Result<std::optional<core::User>> {
                    std::optional<core::User> user;
                    {
                      Stmt st = conn.Prepare(kSelectByLiveSession);
                      if (!st.Bind(1, session_id).Bind(2, now).Step())
                        return std::optional<core::User>();
                      user = ReadUser(st);
                    }
                    LoadRoles(conn, *user);
                    return user;
                  });
}

Result<std::optional<core::User>> SqliteUsers::FindByEmail(std::string_view email) {
  return FindOne(db_, kSelectByEmail, email);
}

Result<std::optional<core::User>> SqliteUsers::FindByPhone(std::string_view e164) {
  return FindOne(db_, kSelectByPhone, e164);
}

Result<void> SqliteUsers::Update(const core::User& user) {
  return db_.Write("users.update", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kUpdateUser);
    if (BindRecord(st, codec::BindUser, user).Run() == 0)
      return core::Error(core::errc::kUserNotFound, "User not found");
    conn.Prepare(codec::kDeleteUserRoles).Bind(1, user.id).Run();
    InsertRoles(conn, user);
    return core::Ok();
  });
}

Result<void> SqliteUsers::Delete(std::string_view id) {
  return db_.Write("users.delete", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kDeleteUser).Bind(1, id).Run();
    return core::Ok();
  });
}

Result<int> SqliteUsers::DeleteAnonymousCreatedBefore(core::UnixMillis before) {
  return db_.Write("users.delete_anonymous", [&](Connection& conn) -> Result<int> {
    return conn.Prepare(codec::kDeleteAnonymousUsers).Bind(1, before).Run();
  });
}

Result<std::vector<core::User>> SqliteUsers::List(std::string_view after_id, int limit) {
  return db_.Read("users.list", [&](Connection& conn) -> Result<std::vector<core::User>> {
    std::vector<core::User> users;
    {
      Stmt st = conn.Prepare(kSelectPage);
      st.Bind(1, after_id).Bind(2, limit);
      while (st.Step()) users.push_back(ReadUser(st));
    }
    for (core::User& u : users) LoadRoles(conn, u);
    return users;
  });
}

Result<void> SqliteUsers::MarkSent(std::string_view user_id, core::SentMessage kind,
                                   core::UnixMillis at) {
  return db_.Write("users.mark_sent", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kMarkSent)
        .Bind(1, at)
        .Bind(2, user_id)
        .Bind(3, codec::SentMessageName(kind))
        .Run();
    return core::Ok();
  });
}

Result<int64_t> SqliteUsers::Count() {
  return db_.Read("users.count", [](Connection& conn) -> Result<int64_t> {
    Stmt st = conn.Prepare(codec::kCountUsers);
    st.Step();
    return st.Int(0);
  });
}

}  // namespace gh::store::sqlite

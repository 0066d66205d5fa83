// SqliteUsers: the users table plus its allowed roles in user_roles.

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

namespace {

// A macro so that each query stays one string literal: statements are cached by
// the literal's address (see Connection::Prepare).
#define GH_USER_COLUMNS                                                              \
  "id, created_at, updated_at, last_seen, display_name, avatar_url, locale, email, " \
  "email_verified, new_email, phone_number, phone_number_verified, password_hash, "  \
  "default_role, is_anonymous, disabled, metadata, active_mfa_type, totp_secret_encrypted"

constexpr const char* kInsertUser = "INSERT INTO users (" GH_USER_COLUMNS
                                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                    "?13, ?14, ?15, ?16, ?17, ?18, ?19)";
constexpr const char* kUpdateUser =
    "UPDATE users SET created_at = ?2, updated_at = ?3, last_seen = ?4, display_name = ?5, "
    "avatar_url = ?6, locale = ?7, email = ?8, email_verified = ?9, new_email = ?10, "
    "phone_number = ?11, phone_number_verified = ?12, password_hash = ?13, default_role = ?14, "
    "is_anonymous = ?15, disabled = ?16, metadata = ?17, active_mfa_type = ?18, "
    "totp_secret_encrypted = ?19 WHERE id = ?1";
constexpr const char* kSelectById = "SELECT " GH_USER_COLUMNS " FROM users WHERE id = ?";
constexpr const char* kSelectByEmail = "SELECT " GH_USER_COLUMNS " FROM users WHERE email = ?";
constexpr const char* kSelectByPhone =
    "SELECT " GH_USER_COLUMNS " FROM users WHERE phone_number = ?";
constexpr const char* kSelectPage =
    "SELECT " GH_USER_COLUMNS " FROM users WHERE id > ? ORDER BY id LIMIT ?";
// Both lookups are on primary keys.
constexpr const char* kSelectByLiveSession =
    "SELECT " GH_USER_COLUMNS
    " FROM users WHERE id = (SELECT user_id FROM sessions WHERE id = ?1 AND revoked_at IS NULL "
    "AND expires_at > ?2)";

#undef GH_USER_COLUMNS

// Binds every column of `u` in the order of GH_USER_COLUMNS (?1 .. ?19).
void BindUser(Stmt& st, const core::User& u) {
  st.Bind(1, u.id)
      .Bind(2, u.created_at)
      .Bind(3, u.updated_at)
      .Bind(4, u.last_seen)
      .Bind(5, u.display_name)
      .Bind(6, u.avatar_url)
      .Bind(7, u.locale)
      .Bind(8, u.email)
      .Bind(9, u.email_verified)
      .Bind(10, u.new_email)
      .Bind(11, u.phone_number)
      .Bind(12, u.phone_number_verified)
      .Bind(13, u.password_hash)
      .Bind(14, u.default_role)
      .Bind(15, u.is_anonymous)
      .Bind(16, u.disabled)
      .Bind(17, u.metadata_json)
      .Bind(18, u.active_mfa_type)
      .Bind(19, u.totp_secret_encrypted);
}

core::User ReadUser(const Stmt& st) {
  core::User u;
  u.id = st.Text(0);
  u.created_at = st.Int(1);
  u.updated_at = st.Int(2);
  u.last_seen = st.OptInt(3);
  u.display_name = st.Text(4);
  u.avatar_url = st.Text(5);
  u.locale = st.Text(6);
  u.email = st.OptText(7);
  u.email_verified = st.Bool(8);
  u.new_email = st.OptText(9);
  u.phone_number = st.OptText(10);
  u.phone_number_verified = st.Bool(11);
  u.password_hash = st.OptText(12);
  u.default_role = st.Text(13);
  u.is_anonymous = st.Bool(14);
  u.disabled = st.Bool(15);
  u.metadata_json = st.Text(16);
  u.active_mfa_type = st.OptText(17);
  u.totp_secret_encrypted = st.OptText(18);
  return u;
}

void LoadRoles(Connection& conn, core::User& user) {
  Stmt st = conn.Prepare("SELECT role FROM user_roles WHERE user_id = ? ORDER BY position");
  st.Bind(1, user.id);
  user.roles.clear();
  while (st.Step()) user.roles.push_back(st.Text(0));
}

void InsertRoles(Connection& conn, const core::User& user) {
  int position = 0;
  for (const std::string& role : user.roles) {
    // A repeated role is kept once, at its first position.
    conn.Prepare(
            "INSERT INTO user_roles (user_id, role, position) VALUES (?, ?, ?) "
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
    Stmt st = conn.Prepare(kInsertUser);
    BindUser(st, user);
    st.Run();
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
    Stmt st = conn.Prepare(kUpdateUser);
    BindUser(st, user);
    if (st.Run() == 0) return core::Error(core::errc::kUserNotFound, "User not found");
    conn.Prepare("DELETE FROM user_roles WHERE user_id = ?").Bind(1, user.id).Run();
    InsertRoles(conn, user);
    return core::Ok();
  });
}

Result<void> SqliteUsers::Delete(std::string_view id) {
  // Sessions, tokens, identities, codes and roles go with the user (ON DELETE CASCADE).
  return db_.Write("users.delete", [&](Connection& conn) -> Result<void> {
    conn.Prepare("DELETE FROM users WHERE id = ?").Bind(1, id).Run();
    return core::Ok();
  });
}

Result<int> SqliteUsers::DeleteAnonymousCreatedBefore(core::UnixMillis before) {
  return db_.Write("users.delete_anonymous", [&](Connection& conn) -> Result<int> {
    return conn.Prepare("DELETE FROM users WHERE is_anonymous = 1 AND created_at < ?")
        .Bind(1, before)
        .Run();
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

Result<int64_t> SqliteUsers::Count() {
  return db_.Read("users.count", [](Connection& conn) -> Result<int64_t> {
    Stmt st = conn.Prepare("SELECT COUNT(*) FROM users");
    st.Step();
    return st.Int(0);
  });
}

}  // namespace gh::store::sqlite

// PgUsers: the users table plus its allowed roles in user_roles.

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/user_columns.h"

namespace gh::store::postgres {

namespace {

// Macros keep each query one string literal: statements are prepared once per
// connection and found again by the literal's address (see Connection::Run).
// The roles ride along as an array column, so a lookup is one round trip.
#define GH_SELECT_USER "SELECT " GH_PG_USER_COLUMNS ", " GH_PG_USER_ROLES("users") " FROM users "

constexpr const char* kInsertUser = "INSERT INTO users (" GH_PG_USER_COLUMNS
                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                                    "$13, $14, $15, $16, $17, $18, $19)";
constexpr const char* kUpdateUser =
    "UPDATE users SET created_at = $2, updated_at = $3, last_seen = $4, display_name = $5, "
    "avatar_url = $6, locale = $7, email = $8, email_verified = $9, new_email = $10, "
    "phone_number = $11, phone_number_verified = $12, password_hash = $13, default_role = $14, "
    "is_anonymous = $15, disabled = $16, metadata = $17, active_mfa_type = $18, "
    "totp_secret_encrypted = $19 WHERE id = $1";
constexpr const char* kSelectById = GH_SELECT_USER "WHERE id = $1";
constexpr const char* kSelectByEmail = GH_SELECT_USER "WHERE email = $1";
constexpr const char* kSelectByPhone = GH_SELECT_USER "WHERE phone_number = $1";
constexpr const char* kSelectPage = GH_SELECT_USER "WHERE id > $1 ORDER BY id LIMIT $2";
// Both lookups are on primary keys; one round trip.
constexpr const char* kSelectByLiveSession = GH_SELECT_USER
    "WHERE id = (SELECT user_id FROM sessions WHERE id = $1 AND revoked_at IS NULL "
    "AND expires_at > $2)";
// A repeated role is kept once, at its first position (ON CONFLICT skips the
// later duplicates of the same statement, which arrive in ordinality order).
constexpr const char* kInsertRoles =
    "INSERT INTO user_roles (user_id, role, position) "
    "SELECT $1, r.role, r.n - 1 FROM unnest($2::text[]) WITH ORDINALITY AS r(role, n) "
    "ORDER BY r.n ON CONFLICT DO NOTHING";

#undef GH_SELECT_USER

// Every column of `u` in the order of GH_PG_USER_COLUMNS ($1 .. $19).
Params UserParams(const core::User& u) {
  Params p;
  p.Add(u.id)
      .Add(u.created_at)
      .Add(u.updated_at)
      .Add(u.last_seen)
      .Add(u.display_name)
      .Add(u.avatar_url)
      .Add(u.locale)
      .Add(u.email)
      .Add(u.email_verified)
      .Add(u.new_email)
      .Add(u.phone_number)
      .Add(u.phone_number_verified)
      .Add(u.password_hash)
      .Add(u.default_role)
      .Add(u.is_anonymous)
      .Add(u.disabled)
      .Add(u.metadata_json)
      .Add(u.active_mfa_type)
      .Add(u.totp_secret_encrypted);
  return p;
}

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
    conn.Run(kInsertUser, UserParams(user));
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
    if (conn.Run(kUpdateUser, UserParams(user)).affected() == 0) {
      return core::Error(core::errc::kUserNotFound, "User not found");
    }
    conn.Run("DELETE FROM user_roles WHERE user_id = $1", Params().Add(user.id));
    InsertRoles(conn, user);
    return core::Ok();
  });
}

Result<void> PgUsers::Delete(std::string_view id) {
  // Sessions, tokens, identities, codes and roles go with the user (ON DELETE CASCADE).
  return db_.Single("users.delete", [&](Connection& conn) -> Result<void> {
    conn.Run("DELETE FROM users WHERE id = $1", Params().Add(id));
    return core::Ok();
  });
}

Result<int> PgUsers::DeleteAnonymousCreatedBefore(core::UnixMillis before) {
  return db_.Single("users.delete_anonymous", [&](Connection& conn) -> Result<int> {
    return conn
        .Run("DELETE FROM users WHERE is_anonymous AND created_at < $1", Params().Add(before))
        .affected();
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

Result<int64_t> PgUsers::Count() {
  return db_.Single("users.count", [](Connection& conn) -> Result<int64_t> {
    return conn.Run("SELECT COUNT(*) FROM users").Int(0, 0);
  });
}

core::User ReadUserColumns(const PgResult& r, int row, int first) {
  core::User u;
  int c = first;
  u.id = r.Text(row, c++);
  u.created_at = r.Int(row, c++);
  u.updated_at = r.Int(row, c++);
  u.last_seen = r.OptInt(row, c++);
  u.display_name = r.Text(row, c++);
  u.avatar_url = r.Text(row, c++);
  u.locale = r.Text(row, c++);
  u.email = r.OptText(row, c++);
  u.email_verified = r.Bool(row, c++);
  u.new_email = r.OptText(row, c++);
  u.phone_number = r.OptText(row, c++);
  u.phone_number_verified = r.Bool(row, c++);
  u.password_hash = r.OptText(row, c++);
  u.default_role = r.Text(row, c++);
  u.is_anonymous = r.Bool(row, c++);
  u.disabled = r.Bool(row, c++);
  u.metadata_json = r.Text(row, c++);
  u.active_mfa_type = r.OptText(row, c++);
  u.totp_secret_encrypted = r.OptText(row, c++);
  u.roles = r.TextArray(row, c++);
  return u;
}

}  // namespace gh::store::postgres
